import { addProjectConfiguration, formatFiles, names, offsetFromRoot, type Tree } from '@nx/devkit';
import type { PluginTemplateVars } from './templates/plugin-template-vars';
import { projectFiles } from './templates/project-files';
import { sourceFiles } from './templates/source-files';

export interface PluginGeneratorSchema {
  name: string;
  directory?: string;
  packageName?: string;
}

const PLUGIN_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * `nx g @pimcp/generators:plugin <name>`: a plugin package an edge node loads by name. It exports
 * `pimcpPlugin(config)`, bundles the SDK into dist/<directory>/main.js (so nothing unpublished is required at run
 * time) and ships with a unit test and a README. The templates are TypeScript functions, not files beside this
 * one: Nx may load a local generator as native ESM, where __dirname does not exist.
 */
export async function pluginGenerator(tree: Tree, schema: PluginGeneratorSchema): Promise<void> {
  if (!PLUGIN_NAME.test(schema.name)) {
    throw new Error(`plugin name "${schema.name}" must be lowercase letters, digits and "-", starting with a letter (e.g. weather-station)`);
  }
  const projectRoot = (schema.directory ?? `plugins/${schema.name}`).replace(/\/+$/, '');
  if (tree.exists(projectRoot)) throw new Error(`${projectRoot} already exists; choose another name or --directory`);
  const { className, fileName } = names(schema.name);
  const vars: PluginTemplateVars = {
    pluginName: schema.name, className, fileName, projectRoot,
    packageName: schema.packageName ?? `pimcp-plugin-${schema.name}`,
    offset: offsetFromRoot(projectRoot),
  };
  addProjectConfiguration(tree, schema.name, {
    root: projectRoot,
    sourceRoot: `${projectRoot}/src`,
    // 'application' in Nx terms: its build bundles the SDK (a non-buildable lib) into one package, as apps do.
    projectType: 'application',
    // type:feature may use the SDK (type:util); scope:plugins keeps plugins off the apps' own libs.
    tags: ['type:feature', 'scope:plugins'],
    targets: {},
  });
  for (const [path, content] of Object.entries({ ...projectFiles(vars), ...sourceFiles(vars) })) {
    tree.write(`${projectRoot}/${path}`, content);
  }
  await formatFiles(tree);
}

export default pluginGenerator;
