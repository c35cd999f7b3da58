// Package identity provides who may act in a stack and how: the
// permissions boundary every role carries; the Cognito user pool with MFA,
// threat protection and groups mapped to least-privilege roles through an
// identity pool; the roles workloads run under, reading their own team's
// secrets (ABAC); the GitHub Actions OIDC roles that preview and deploy;
// and the account-wide guardrails (the IAM password policy, S3 Block
// Public Access, IAM Access Analyzer in every Region the stack uses).
//
// The sign-in choices and their rules are in identity/signin, which the
// stack configuration shares.
package identity
