// The SimPy model timed one run at a time, alternating with vmmsim's own runs
// in the entry's process (measure.ts): each round times vmmsim once, then
// SimPy once on the costs recorded from the same (entry, mode), so both sides
// of a round's ratio ran within a fraction of a second of each other. Timed
// minutes apart, the two rates carried this host's speed moving by up to 2×
// over seconds (test/bench/README.md, "SimPy in the same rounds").
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { SIMPY_PYTHON } from './references.js';
import type { CostRun } from './measure.js';

/** One SimPy simulation of a recorded run: its wall seconds (timed inside Python) and simulated end time. */
export interface SimpyTiming {
  seconds: number;
  end: number;
}

/** simpyRef.py --serve: a Python process that times recorded run k when asked. */
export class SimpyPartner {
  private readonly waiting: Array<{ resolve(line: string): void; reject(e: Error): void }> = [];
  private failure: Error | null = null;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => this.waiting.shift()?.resolve(line));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const w of this.waiting.splice(0)) w.reject(this.failure);
    };
    child.on('error', fail);
    child.stdin.on('error', () => {}); // a write to a model that has exited: its exit reports it
    child.on('exit', (code) => fail(new Error(`SimPy model exited (${code}): ${stderr.trim().split('\n').pop() ?? ''}`)));
  }

  /** Start the model on `runs`; resolves with it and its versions, or with why it cannot run. */
  static async start(benchDir: string, runs: readonly CostRun[]): Promise<{ partner: SimpyPartner; version: string } | { missing: string }> {
    const child = spawn(SIMPY_PYTHON, [join(benchDir, 'simpyRef.py'), '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const partner = new SimpyPartner(child);
    try {
      child.stdin.write(`${JSON.stringify({ runs: runs.map((r) => ({ segments: r.segments })) })}\n`);
      const hello = JSON.parse(await partner.next()) as { simpy: string; python: string };
      return { partner, version: `SimPy ${hello.simpy}, Python ${hello.python}` };
    } catch (e) {
      partner.close();
      return { missing: `SimPy model did not run (${e instanceof Error ? e.message : String(e)}); install with apt-get install -y python3-simpy3` };
    }
  }

  /** Time one simulation of run `k` (Python is idle until asked, and this process waits while it runs). */
  async time(k: number): Promise<SimpyTiming> {
    const answer = this.next();
    this.child.stdin.write(`${k}\n`);
    return JSON.parse(await answer) as SimpyTiming;
  }

  /** End the Python process. */
  close(): void {
    this.child.stdin.end();
  }

  private next(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}
