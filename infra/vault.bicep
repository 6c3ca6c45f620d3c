// Key Vault (RBAC) holding the bootstrap admin key, the SMTP password and the Entra client secret. Its name derives from the principal id of
// the app's identity: stable while the identity lives (re-provisioning reuses the vault), new after `azd down`
// recreates the identity — so a vault left soft-deleted by `azd down` without --purge never blocks the next `azd up`.
targetScope = 'resourceGroup'

param location string
param tags object
param identityPrincipalId string
@secure()
param bootstrapAdminKey string
@secure()
param smtpPassword string
@secure()
param entraClientSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${take(uniqueString(resourceGroup().id, identityPrincipalId), 13)}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource adminKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bootstrap-admin-key'
  properties: { value: bootstrapAdminKey }
}

resource smtp 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: 'smtp-password'
  properties: { value: smtpPassword }
}

resource entraSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(entraClientSecret)) {
  parent: vault
  name: 'entra-client-secret'
  properties: { value: entraClientSecret }
}

output name string = vault.name
output bootstrapAdminKeyUri string = adminKey.properties.secretUri
output smtpSecretUri string = '${vault.properties.vaultUri}secrets/smtp-password'
output entraClientSecretUri string = '${vault.properties.vaultUri}secrets/entra-client-secret'
