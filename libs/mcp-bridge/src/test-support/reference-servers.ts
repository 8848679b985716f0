import { join } from 'node:path';

/** The reference MCP servers installed from npm as devDependencies (real servers, not fakes). */
const MODULES = join(__dirname, '..', '..', '..', '..', 'node_modules', '@modelcontextprotocol');

export const SERVER_EVERYTHING = join(MODULES, 'server-everything', 'dist', 'index.js');
export const SERVER_FILESYSTEM = join(MODULES, 'server-filesystem', 'dist', 'index.js');
