/** The SDK's unit-test handler context, under the name the node's specs use. */
export { testToolContext as toolContext } from '@pimcp/plugin-sdk';
