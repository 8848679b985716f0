// What each app's main calls first: logging (text or JSON) and tracing (only when an OTLP endpoint is set).
// First, before anything requires @nestjs/common: it loads with its logger's date formatters deferred (ADR 0018).
import './lib/logging/load-nest-common';

export * from './lib/logging/configure-process-logging';
export * from './lib/tracing/start-tracing-if-configured';
