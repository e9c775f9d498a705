// The record schema's validators, compiled ahead of time by esbuild.mjs (ajv standalone code).
import type { ValidateFunction } from 'ajv';

export declare const validateRecord: ValidateFunction;
export declare const validatePeople: ValidateFunction;
