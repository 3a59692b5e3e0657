/** Headless Chromium for the WebGL2 test and the bench (see chromium.mjs). */
import type { Page } from 'playwright-core';

export const CHROMIUM: string;
export const CHROMIUM_ARGS: readonly string[];
export function browserUnavailable(): Promise<string | undefined>;
export function buildPage(outDir: string): Promise<void>;
export interface GpuPage {
  readonly page: Page;
  readonly url: string;
  readonly buildMs: number;
  readonly errors: string[];
  readonly version: string;
  close(): Promise<void>;
}
export function openGpuPage(options?: { readonly args?: readonly string[]; readonly timeoutMs?: number }): Promise<GpuPage>;
