#!/usr/bin/env bash
# Registers the tracker in Microsoft Entra ID (run by an Entra admin, with the Azure CLI signed in to the tenant):
# an app registration with the three app roles of app-roles.json, v2 access tokens, security groups in the groups
# claim, its service principal, and the Application ID URI. Then it stores the ids for azd, which sets them as app
# settings (Auth__Entra__*) on the next `azd provision`. docs/deploy.md walks through it.
#
#   infra/entra/register.sh [application-id-uri]
#
# The dashboard's work-account sign-in redirects to {public URL}/signin-oidc: set TRACKER_PUBLIC_BASE_URL (or the
# app's https://<host>) in the environment to register it, with a client secret stored for azd (then Key Vault).
#
# application-id-uri: for Power BI's Organizational account, the https URL of the app on a custom domain verified in
# the tenant (e.g. https://tracker.contoso.com); without it, api://<client id>.
set -euo pipefail
cd "$(dirname "$0")"

name="${TRACKER_ENTRA_APP_NAME:-Transformation Tracker}"
tenant=$(az account show --query tenantId -o tsv)
client=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --app-roles @app-roles.json --query appId -o tsv)
az ad app update --id "$client" --set api.requestedAccessTokenVersion=2 --set groupMembershipClaims=SecurityGroup
uri="${1:-api://$client}"
az ad app update --id "$client" --identifier-uris "$uri"
az ad sp create --id "$client" > /dev/null || true
secret=""
if [ -n "${TRACKER_PUBLIC_BASE_URL:-}" ]; then
  az ad app update --id "$client" --web-redirect-uris "${TRACKER_PUBLIC_BASE_URL%/}/signin-oidc" --enable-id-token-issuance false
  secret=$(az ad app credential reset --id "$client" --display-name "dashboard sign-in" --years 1 --query password -o tsv)
  echo "Redirect URI:    ${TRACKER_PUBLIC_BASE_URL%/}/signin-oidc (a client secret was created for it, valid one year)"
fi

echo "Tenant id:       $tenant"
echo "Client id:       $client"
echo "App ID URI:      $uri"
if command -v azd > /dev/null; then
  azd env set TRACKER_ENTRA_TENANT_ID "$tenant"
  azd env set TRACKER_ENTRA_CLIENT_ID "$client"
  azd env set TRACKER_ENTRA_APPLICATION_ID_URI "$uri"
  if [ -n "$secret" ]; then azd env set TRACKER_ENTRA_CLIENT_SECRET "$secret"; fi
  echo "Stored for azd; run 'azd provision' to set the app settings."
fi
echo "Next: assign users or groups to the app roles (Enterprise applications > $name > Users and groups)."
