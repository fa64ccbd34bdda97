/**
 * Progress on stderr: a bar (count, rate, ETA) when stderr is a terminal, nothing while
 * running otherwise (a log file wants the closing summary, not redraws).
 */
export interface Progress {
  /** `done` records so far; `fraction` of the input read, when its size is known. */
  update(done: number, fraction?: number): void;
  stop(): void;
}

export async function startProgress(label: string, knownSize: boolean): Promise<Progress> {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const { SingleBar, Presets } = await import('cli-progress');
  const started = Date.now();
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: knownSize
        ? `${label} {bar} {percentage}% | {done} | {rate}/s | ETA {eta_formatted}`
        : `${label} {done} | {rate}/s`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(1000, 0, { done: 0, rate: 0 });
  return {
    update(done, fraction) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      bar.update(fraction === undefined ? 0 : Math.round(fraction * 1000), { done, rate });
    },
    stop: () => bar.stop(),
  };
}
