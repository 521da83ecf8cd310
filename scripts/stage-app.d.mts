export declare const STAGE_DIR: string;
export declare const DESKTOP_OUTPUTS: string[];
export declare const LOADED_BY_NAME: string[];
export interface StagedPackageJson {
  name: string;
  version: string;
  type: 'module';
  main: string;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
export declare function packageNameOf(specifier: string): string | undefined;
export declare function externalPackages(metafile: {
  inputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
}): string[];
export declare function stagePackageJson(
  root: Record<string, unknown>,
  imported: string[],
  installedVersion: (name: string) => string,
): StagedPackageJson;
export interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}
export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}
export declare function stageLockfile(
  rootLock: Lockfile,
  manifest: { name: string; version: string; license?: string } & Pick<
    StagedPackageJson,
    'dependencies' | 'optionalDependencies'
  >,
): Lockfile;
export declare function stageApp(options?: {
  stageDir?: string;
  install?: boolean;
  offline?: boolean;
  rebuildFor?: string;
  rebuild?: (options: object) => Promise<unknown>;
  log?: (line: string) => void;
}): Promise<StagedPackageJson>;
export declare function nativeRebuildOptions(
  stageDir: string,
  electronVersion: string,
): {
  buildPath: string;
  projectRootPath: string;
  electronVersion: string;
  force: boolean;
  onlyModules: string[];
};
