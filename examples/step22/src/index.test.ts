import { expect, test } from "bun:test";
import { rollbackTriggers } from "./index";

const healthy = {
  healthzFailingSeconds: 0,
  errorRate5xx: 0.001,
  errorRateMinutes: 5,
  migrationDone: true,
  minutesSinceT0: 12,
};

test("a healthy release triggers no rollback", () => {
  expect(rollbackTriggers(healthy)).toEqual([]);
});

test("each runbook trigger is recognised", () => {
  expect(rollbackTriggers({ ...healthy, healthzFailingSeconds: 150 })).toEqual([
    "healthz failing for more than 2 minutes",
  ]);
  expect(rollbackTriggers({ ...healthy, errorRate5xx: 0.02 })).toEqual(["5xx rate above 1% for 5 minutes"]);
  expect(rollbackTriggers({ ...healthy, migrationDone: false })).toEqual(["migration not finished by T+10"]);
});

test("a short spike is not a trigger", () => {
  expect(rollbackTriggers({ ...healthy, errorRate5xx: 0.05, errorRateMinutes: 2 })).toEqual([]);
});
