export declare const ROOT: string;
export interface DesktopBuild {
  outputs: string[];
  sources?: string[];
  command: string[];
  notice: string;
}
export declare function buildReason(build: Omit<DesktopBuild, 'command' | 'notice'>): string | undefined;
export declare function ensureBuilt(build: DesktopBuild): boolean;
