export interface Counted {
  passed: number;
  failed: number;
  skipped: number;
  notes: string[];
  notRun?: boolean;
}
export declare function countReport(report: unknown, exitStatus?: number): Counted;
export declare function summarize(dir: string, expected?: string[]): Counted;
