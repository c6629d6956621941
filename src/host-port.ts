/**
 * `host:port` as ordo takes it from operators (`ordo member add`, the Cluster service): a host
 * without ':' (as in --members: no IPv6 literals), '/', ',', '=' or white space, and a port in
 * 1..65535. One parser, so the CLI refuses exactly what the server would.
 */
export type ParsedHostPort = { readonly ok: true; readonly host: string; readonly port: number } | { readonly ok: false; readonly badPort?: string };

const HOST_PORT = /^([^:/,=\s]+):(\d{1,5})$/;

export function parseHostPort(text: string): ParsedHostPort {
  const m = HOST_PORT.exec(text);
  if (!m) return { ok: false };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return { ok: false, badPort: m[2] };
  return { ok: true, host: m[1]!, port };
}
