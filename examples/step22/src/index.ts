// The release's health policy: what the T+10 watch and the rollback triggers use.

export interface Observation {
  healthzFailingSeconds: number;
  errorRate5xx: number; // fraction of requests, 0..1
  errorRateMinutes: number;
  migrationDone: boolean;
  minutesSinceT0: number;
}

/** The rollback triggers of the runbook that hold for this observation. */
export function rollbackTriggers(o: Observation): string[] {
  const triggers: string[] = [];
  if (o.healthzFailingSeconds > 120) triggers.push("healthz failing for more than 2 minutes");
  if (o.errorRate5xx > 0.01 && o.errorRateMinutes >= 5) triggers.push("5xx rate above 1% for 5 minutes");
  if (!o.migrationDone && o.minutesSinceT0 >= 10) triggers.push("migration not finished by T+10");
  return triggers;
}
