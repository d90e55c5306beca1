import * as z from 'zod/mini';
import { ConfigurationError } from '../../shared/core/errors.js';
import {
  booleanInput,
  duration,
  optionalInput,
  parseSettings,
  wholeNumber,
  yamlText,
} from '../../shared/core/schema-kit.js';
import { runStep } from '../../shared/runtime/errors.js';
import { maskSecrets, publish, Redactor } from '../../shared/runtime/report.js';
import { recordingRuntime } from '../support/recording-runtime.js';

const schema = z.object({
  timeout: duration(),
  samples: wholeNumber(1, 10),
  enabled: booleanInput,
  steps: optionalInput(yamlText(z.array(z.number()))),
});
const examples = {
  timeout: 'timeout: 10s',
  samples: 'samples: 3',
  enabled: 'enabled: true',
  steps: 'steps: [10, 50]',
};

describe('parseSettings', () => {
  it('types and freezes what it reads', async () => {
    const settings = await parseSettings(
      schema,
      { timeout: '1m', samples: '3', enabled: 'True', steps: '[10, 50, 100]' },
      examples,
    );
    expect(settings).toEqual({ timeout: 60_000, samples: 3, enabled: true, steps: [10, 50, 100] });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('leaves an empty optional input undefined', async () => {
    expect(
      (await parseSettings(schema, { timeout: '1s', samples: '1', enabled: 'false', steps: ' ' }, examples))
        .steps,
    ).toBeUndefined();
  });

  it.each([
    [
      { timeout: 'x', samples: '1', enabled: 'true', steps: '' },
      "Input 'timeout' must be a duration such as 500ms, 10s or 2m. Example: timeout: 10s",
    ],
    [
      { timeout: '1s', samples: '11', enabled: 'true', steps: '' },
      "Input 'samples' must be at most 10. Example: samples: 3",
    ],
    [
      { timeout: '1s', samples: '1', enabled: 'on', steps: '' },
      "Input 'enabled' must be true or false. Example: enabled: true",
    ],
    [
      { timeout: '1s', samples: '1', enabled: 'true', steps: '[10, x]' },
      "Input 'steps' is invalid at steps[1]: must be a number. Example: steps: [10, 50]",
    ],
  ])('names the first bad input: %j', async (raw, message) => {
    await expect(parseSettings(schema, raw, examples)).rejects.toThrow(ConfigurationError);
    await expect(parseSettings(schema, raw, examples)).rejects.toThrow(message);
  });
});

describe('runStep', () => {
  it('prints a configuration error as its own sentence, on one line', async () => {
    const rt = recordingRuntime({});
    await runStep('healthcheck', rt, async () => {
      throw new ConfigurationError('probes', 'is empty\nreally', 'probes: []');
    });
    expect(rt.failed).toBe("Input 'probes' is empty really. Example: probes: []");
    expect(rt.logs).toEqual([]);
  });

  it('calls anything else a bug, with the stack only in debug output', async () => {
    const rt = recordingRuntime({});
    await runStep('healthcheck', rt, async () => {
      throw new TypeError('cannot read x of undefined');
    });
    expect(rt.failed).toMatch(
      /^healthcheck stopped on an unexpected error: cannot read x of undefined\. This is a bug in release-actions/,
    );
    expect(rt.failed).not.toContain('\n');
    expect(rt.logs[0]).toMatch(/^debug: TypeError: cannot read x of undefined\n\s+at /);
  });
});

describe('report', () => {
  it('redacts the longest secret first', () => {
    expect(new Redactor(['abc', 'abcdef']).redact('x abcdef abc')).toBe('x *** ***');
  });

  it('masks before it returns, and redacts every string it writes', async () => {
    const rt = recordingRuntime({});
    const redactor = maskSecrets(rt, ['tok-1234', 'tok-1234', '']);
    expect(rt.secrets).toEqual(['tok-1234']);
    await publish(
      rt,
      {
        outputs: { report: '{"reason":"got tok-1234"}' },
        annotations: [{ level: 'error', message: 'tok-1234 failed', properties: { title: 't' } }],
        summary: '| tok-1234 |',
        failure: 'down: tok-1234',
      },
      redactor,
    );
    expect(JSON.stringify([rt.outputs, rt.annotations, rt.summaries, rt.failed])).not.toContain('tok-1234');
    expect(rt.outputs['report']).toBe('{"reason":"got ***"}');
    expect(rt.summaries).toEqual(['| *** |']);
  });
});
