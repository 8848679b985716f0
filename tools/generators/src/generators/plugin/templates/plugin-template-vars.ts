/** What the plugin templates are filled with. */
export interface PluginTemplateVars {
  /** The plugin's name, e.g. weather-station; its tools are <pluginName>.<tool>. */
  pluginName: string;
  /** names(pluginName).className and .fileName, e.g. WeatherStation and weather-station. */
  className: string;
  fileName: string;
  /** The npm package name nodes load it by. */
  packageName: string;
  /** The project's folder, relative to the workspace root. */
  projectRoot: string;
  /** The way back to the workspace root from projectRoot, e.g. ../../ */
  offset: string;
}
