/**
 * `${{ }}` and `if:` evaluated by GitHub's own expression engine
 * (@actions/expressions), over contexts given as plain values. The status
 * functions (success, failure, always, cancelled) are the runner's, not the
 * engine's, so they come in from whoever knows how the job or step stands.
 */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import {
  isBasicExpression,
  isBoolean,
  isLiteral,
  isMapping,
  isNumber,
  isSequence,
  isString,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;

export interface Status {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

const NO_STATUS: Status = { success: () => true, failure: () => false, cancelled: () => false };

export function toData(value: Value | undefined): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  const dictionary = new data.Dictionary();
  for (const [key, item] of Object.entries(value)) dictionary.add(key, toData(item));
  return dictionary;
}

export function fromData(value: data.ExpressionData): Value {
  switch (value.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.String:
    case data.Kind.Number:
    case data.Kind.Boolean:
      return (value as data.StringData | data.NumberData | data.BooleanData).value;
    case data.Kind.Array:
      return (value as data.Array).values().map(fromData);
    default:
      return Object.fromEntries((value as data.Dictionary).pairs().map((p) => [p.key, fromData(p.value)]));
  }
}

/** The engine's truthiness: false, 0, '', null are false. */
export function truthy(value: Value): boolean {
  return !(value === false || value === 0 || value === '' || value === null || Number.isNaN(value));
}

/** A value as the runner hands it to a step (INPUT_*, env): GitHub's string coercion. */
export function asString(value: Value): string {
  return toData(value).coerceString();
}

export function evaluate(expression: string, contexts: Contexts, status: Status = NO_STATUS): Value {
  const { tokens } = new Lexer(expression).lex();
  const functions = [
    { name: 'success', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status.success()) },
    { name: 'failure', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status.failure()) },
    { name: 'cancelled', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status.cancelled()) },
    { name: 'always', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
    { name: 'hashFiles', minArgs: 1, maxArgs: 255, call: () => new data.StringData('') },
  ];
  const tree = new Parser(tokens, Object.keys(contexts), functions).parse();
  const context = new data.Dictionary();
  for (const [name, value] of Object.entries(contexts)) context.add(name, toData(value));
  const byName = new Map(functions.map((f) => [f.name.toLowerCase(), f]));
  return fromData(new Evaluator(tree, context, byName).evaluate());
}

/** A template token (scalar, mapping or sequence) with every expression in it evaluated. */
export function evaluateToken(
  token: TemplateToken | undefined,
  contexts: Contexts,
  status: Status = NO_STATUS,
  /** Leave expressions unevaluated (their source text), to read a mapping's keys. */
  literal = false,
): Value {
  if (!token) return null;
  if (isBasicExpression(token))
    return literal ? token.expression : evaluate(token.expression, contexts, status);
  if (isString(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isSequence(token)) {
    const items: Value[] = [];
    for (let i = 0; i < token.count; i++) items.push(evaluateToken(token.get(i), contexts, status, literal));
    return items;
  }
  if (isMapping(token)) {
    const entries: Record<string, Value> = {};
    for (const pair of token)
      entries[asString(evaluateToken(pair.key, contexts, status, literal))] = evaluateToken(
        pair.value,
        contexts,
        status,
        literal,
      );
    return entries;
  }
  if (isLiteral(token)) return null; // the null token, the only other literal
  throw new Error(`unsupported template token of type ${token.templateTokenType}`);
}

/** A mapping token evaluated to strings, as env: and with: reach a step. */
export function evaluateStrings(
  token: TemplateToken | undefined,
  contexts: Contexts,
  status?: Status,
): Record<string, string> {
  const value = evaluateToken(token, contexts, status);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a mapping');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asString(v)]));
}
