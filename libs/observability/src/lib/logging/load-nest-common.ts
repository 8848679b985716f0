// Loads @nestjs/common with its logger's date formatters deferred (withDeferredDateTimeFormat). Imported first by
// process-setup, so it runs before anything else requires @nestjs/common; later imports get the loaded module.
import { withDeferredDateTimeFormat } from './deferred-date-time-format';

withDeferredDateTimeFormat(() => require('@nestjs/common') as typeof import('@nestjs/common'));
