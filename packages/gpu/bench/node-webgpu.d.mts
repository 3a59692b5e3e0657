/** Install navigator.gpu in Node through the `webgpu` package (see node-webgpu.mjs). */
export function installNodeWebGpu(): Promise<{ readonly ok: true; readonly adapter: string } | { readonly ok: false; readonly reason: string }>;
