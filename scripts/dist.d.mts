export declare const MODES: readonly ['dir', 'installers', 'release'];
export declare const AZURE_SETTINGS: Record<string, string>;
export declare function builderArgs(options: {
  mode: string;
  env: Record<string, string | undefined>;
  electronDist: string;
  electronVersion: string;
  stageDir?: string;
  outputDir?: string;
}): string[];
export declare function noElectronLine(mode: string, missing: string): string;
export declare function electronDistOf(binary: string, platform?: NodeJS.Platform): string;
