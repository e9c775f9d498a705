// The test-plan page's message validators, one per message type, compiled ahead of time by
// esbuild.mjs from testPlanMessageSchemas.ts (ajv standalone code).
import type { ValidateFunction } from 'ajv';
import type { PageMessageType } from './testPlanMessages';

export declare const pageMessageValidators: Record<PageMessageType, ValidateFunction>;
