export declare const DIST_DIR: string;
export declare const BUNDLE_DIR: string;
export declare const NATIVE_PACKAGES: string[];
export declare const NODE_TARGET: string;
export declare function banner(enginesRange: string): string;
export declare function tarballName(version: string): string;
export interface ServerPackageJson {
  name: string;
  version: string;
  type: 'module';
  engines: { node: string };
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
}
export declare function serverPackageJson(
  root: Record<string, unknown>,
  installedVersion: (name: string) => string,
): ServerPackageJson;
export declare function buildServer(options?: {
  buildWeb?: boolean;
  log?: (line: string) => void;
}): Promise<string>;
