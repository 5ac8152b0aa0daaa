// The plans' derived settings and their words in the settings document agree key for key.
import { describe, expect, it } from 'vitest';
import { planSettingRules, planSettings, plans, SHARED_BUFFERS_PERCENTAGE } from './plans';

describe('plan settings', () => {
  it('has words for every parameter a plan sets, and nothing else', () => {
    for (const plan of plans) expect(Object.keys(planSettingRules).sort()).toEqual(Object.keys(planSettings(plan)).sort());
  });

  it('gives shared_buffers the share the document names as the default', () => {
    const plan = plans.find((p) => p.name === 'startup-8');
    expect(plan && planSettings(plan).shared_buffers).toBe(`${(8 * 1024 * SHARED_BUFFERS_PERCENTAGE) / 100}MB`);
    expect(planSettingRules.shared_buffers).toBe('25 % of the plan’s memory');
  });
});
