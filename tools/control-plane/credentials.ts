// Who may talk to the local API server: one static bearer token per client (kube-apiserver's
// --token-auth-file), RBAC deciding what each may do, and the service-account signing key pair.
// The serving certificate is the one kube-apiserver generates itself in its --cert-dir; kubeconfigs
// trust exactly that certificate. Tokens are new on every start and never leave .run/control-plane.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTEXT, type Layout } from './layout.ts';

export interface Client {
  /** Kubeconfig file name and token-file uid. */
  id: string;
  user: string;
  groups: string[];
}

/**
 * The controller-manager and the scheduler authenticate as the users Kubernetes' bootstrap RBAC
 * policy grants their permissions to. kwok stands in for every kubelet and for a volume provisioner
 * (node and pod status, leases, PersistentVolumes), so it gets cluster-admin like the admin user.
 */
export const CLIENTS: Client[] = [
  { id: 'admin', user: 'mmf-admin', groups: ['system:masters'] },
  { id: 'kube-controller-manager', user: 'system:kube-controller-manager', groups: [] },
  { id: 'kube-scheduler', user: 'system:kube-scheduler', groups: [] },
  { id: 'kwok', user: 'kwok-controller', groups: ['system:masters'] },
];

export const tokenFile = (layout: Layout): string => join(layout.pkiDir, 'tokens.csv');
export const serviceAccountKey = (layout: Layout): string => join(layout.pkiDir, 'sa.key');
export const serviceAccountPub = (layout: Layout): string => join(layout.pkiDir, 'sa.pub');
/** Written by kube-apiserver at start: its serving certificate followed by the CA that signed it. */
export const servingCert = (layout: Layout): string => join(layout.pkiDir, 'apiserver.crt');
export const clientKubeconfig = (layout: Layout, id: string): string =>
  id === 'admin' ? layout.kubeconfig : join(layout.runDir, `kubeconfig-${id}`);

/** One line per client: token,user,uid,"group1,group2". */
export function tokenFileContent(tokens: Map<string, string>): string {
  return CLIENTS.map((c) => `${tokens.get(c.id)},${c.user},${c.id},"${c.groups.join(',')}"\n`).join('');
}

/** Fresh tokens and a fresh service-account key pair; returns the tokens by client id. */
export function writeCredentials(layout: Layout): Map<string, string> {
  const tokens = new Map(CLIENTS.map((c) => [c.id, randomBytes(24).toString('hex')]));
  writeFileSync(tokenFile(layout), tokenFileContent(tokens), { mode: 0o600 });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(serviceAccountKey(layout), privateKey, { mode: 0o600 });
  writeFileSync(serviceAccountPub(layout), publicKey);
  return tokens;
}

/** A kubeconfig (JSON is valid kubeconfig YAML) with one cluster, user and context: mmf-local. */
export function kubeconfig(server: string, caPem: string, token: string): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CONTEXT,
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: CONTEXT, user: { token } }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT } }],
    'current-context': CONTEXT,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Once kube-apiserver has written its certificate: one kubeconfig per client. */
export function writeKubeconfigs(layout: Layout, tokens: Map<string, string>): void {
  const ca = readFileSync(servingCert(layout), 'utf8');
  for (const c of CLIENTS) {
    writeFileSync(clientKubeconfig(layout, c.id), kubeconfig(layout.server, ca, tokens.get(c.id) ?? ''), {
      mode: 0o600,
    });
  }
}
