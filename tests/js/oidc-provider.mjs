// A real OpenID Connect provider on loopback for the sign-in tests: node-oidc-provider 8 (a
// certified implementation; 8 rather than 9 so that Debian's node 18 runs it too) with one
// confidential client (`samtal` / `test-secret`) and three users, signing in through its own
// login form (any password).
//   anna: anna@kommun.se, verified, in the group samtal-facilitators
//   bo:   bo@annat.se, verified, in no group
//   carl: carl@kommun.se, NOT verified
// usage: node oidc-provider.mjs [tamper]
//   tamper: signature | audience | expired | issuer | nonce — the token endpoint's ID token
//   is changed that way (and, but for `signature`, signed again with the provider's own key,
//   so only the changed claim is wrong).
// Prints "ISSUER http://127.0.0.1:PORT" once listening; stops when stdin closes.
import Provider from "oidc-provider";
import http from "node:http";
import crypto from "node:crypto";

const tamper = process.argv[2] ?? "";
const users = {
  anna: { email: "anna@kommun.se", email_verified: true, name: "Anna Andersson", groups: ["samtal-facilitators"] },
  bo: { email: "bo@annat.se", email_verified: true, name: "Bo Berg", groups: [] },
  carl: { email: "carl@kommun.se", email_verified: false, name: "Carl Carlsson", groups: [] },
};

const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" };

const server = http.createServer();
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "samtal",
      client_secret: "test-secret",
      redirect_uris: ["http://localhost:8080/auth/callback"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ["a test-only cookie key"] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "groups"],
  },
  // The ID token carries the scopes' claims (what the server reads them from).
  conformIdTokenClaims: false,
  findAccount: async (_ctx, id) =>
    users[id] ? { accountId: id, claims: async () => ({ sub: id, ...users[id] }) } : undefined,
  // A first-party client: no consent page, every requested scope granted.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});
// The test server's port is chosen when it starts: any loopback callback is accepted.
provider.Client.prototype.redirectUriAllowed = (uri) =>
  /^http:\/\/localhost:\d+\/auth\/callback$/.test(uri);

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
function resign(token, change) {
  const [header, payload] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  change(claims);
  const input = `${header}.${b64(claims)}`;
  const signature = crypto.sign("sha256", Buffer.from(input), privateKey).toString("base64url");
  return `${input}.${signature}`;
}
// How often the server fetched the provider's keys (GET /test/jwks-fetches): only a refused
// signature may make it fetch them again (a rotated key), never another refusal.
let jwksFetches = 0;
provider.use(async (ctx, next) => {
  if (ctx.path === "/jwks") jwksFetches += 1;
  if (ctx.path === "/test/jwks-fetches") {
    ctx.body = { fetches: jwksFetches };
    return;
  }
  await next();
});
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== "/token" || !ctx.body?.id_token || !tamper) return;
  const t = ctx.body.id_token;
  const now = Math.floor(Date.now() / 1000);
  ctx.body = {
    ...ctx.body,
    id_token: {
      signature: () => t.slice(0, -4) + (t.endsWith("AAAA") ? "BBBB" : "AAAA"),
      audience: () => resign(t, (c) => (c.aud = "another-client")),
      expired: () => resign(t, (c) => ((c.iat = now - 7200), (c.exp = now - 3600))),
      issuer: () => resign(t, (c) => (c.iss = "http://127.0.0.1:1")),
      nonce: () => resign(t, (c) => (c.nonce = "forged")),
    }[tamper](),
  };
});
server.on("request", provider.callback());
console.log(`ISSUER ${issuer}`);
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
