// Package oidc is the app's OpenID Connect client, on the standard library
// only: the authorization code flow with PKCE (S256) and the nonce,
// verifying RS256 ID tokens against the provider's JWKS (fetched again
// when the keys rotate), and checking issuer, audience, expiry, nonce and
// the level of assurance. ID-porten (guardians, by national ID) and Feide
// (staff, by principal) are both a Provider made by Discover; the shell's
// login (package web) maps the Identity a provider vouches for to an actor.
package oidc
