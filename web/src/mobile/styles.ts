import { createHash } from 'node:crypto';

/**
 * The pages' one stylesheet, inline and allowed by its hash: no extra request, no
 * 'unsafe-inline'. The accent colour is the profile's (checked at 4.5:1 against white when saved).
 */
export function stylesheet(accent: string): string {
  return `*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}header{border-top:.375rem solid ${accent}}.bar,main,footer{max-width:34rem;margin:0 auto;padding:0 1rem}.bar{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem;padding-top:.5rem;padding-bottom:.5rem}.brand{display:flex;align-items:center;gap:.625rem;margin:0;font-size:1.125rem;font-weight:700}.brand img{display:block;height:2.5rem;width:auto;max-width:10rem}nav ul{display:flex;gap:.25rem;margin:0;padding:0;list-style:none}nav a{display:inline-block;min-width:2.75rem;min-height:2.75rem;padding:.625rem .5rem;line-height:1.5rem;text-align:center;color:${accent};font-weight:600}nav a[aria-current]{color:#1a1a1a;text-decoration:none}main{padding-top:.5rem;padding-bottom:1.5rem}h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}h2{font-size:1.125rem;line-height:1.3;margin:0 0 .5rem}p{margin:0 0 .75rem}ol{list-style:none;margin:1.25rem 0 0;padding:0}ol>li{border-top:1px solid #d0d0d0;padding:1.25rem 0}.n{display:inline-block;min-width:1.75rem;height:1.75rem;margin-right:.5rem;border-radius:50%;background:${accent};color:#fff;text-align:center;font-weight:700;line-height:1.75rem}.b{display:block;width:100%;min-height:3rem;margin:.5rem 0;padding:.75rem 1rem;border:2px solid ${accent};border-radius:.5rem;background:${accent};color:#fff;font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}.s{background:#fff;color:${accent}}a:focus-visible,button:focus-visible{outline:3px solid #1a1a1a;outline-offset:3px}.h{color:#4a4a4a;font-size:.9375rem}.notice{border-left:4px solid #b35c00;background:#fff4e5;padding:.75rem 1rem;margin:1rem 0}.badges{display:flex;flex-wrap:wrap;gap:.75rem;margin:.25rem 0 0}.badge{display:inline-block;line-height:0;padding:.75rem;margin:-.75rem 0 0 -.75rem;border-radius:.5rem}.qr{display:block;width:14rem;max-width:100%;height:auto;margin:1rem 0}footer{border-top:1px solid #d0d0d0;padding-top:1rem;padding-bottom:2rem}footer h2{font-size:1rem;margin:0}.nw{white-space:nowrap}footer a{display:inline-block;min-height:2.75rem;padding:.625rem 0;color:${accent};font-weight:600}`;
}

const hashes = new Map<string, string>();

/** The CSP source of a stylesheet: computed once per accent colour. */
export function styleHash(css: string): string {
  let hash = hashes.get(css);
  if (!hash) {
    hash = `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
    hashes.set(css, hash);
  }
  return hash;
}
