// Transformation Tracker on Azure: a Flex Consumption Function App (.NET 10 isolated) whose managed identity reaches
// Table and Blob storage (shared-key access off), Application Insights, and Key Vault for the secrets.
targetScope = 'resourceGroup'

@description('Short name of the environment (azd sets it); used to name resources.')
@minLength(2)
@maxLength(20)
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('NCRONTAB (with seconds, UTC) of the ComputeMetrics job.')
param metricsSchedule string = '0 0 2 * * *'

@description('NCRONTAB (with seconds, UTC) of the SendDigests job.')
param digestSchedule string = '0 0 * * * *'

@description('SMTP relay for digests; empty leaves mail unconfigured.')
param smtpHost string = ''

@description('SMTP port.')
param smtpPort int = 587

@description('MailKit SecureSocketOptions: None, StartTls, SslOnConnect or Auto.')
@allowed(['None', 'StartTls', 'SslOnConnect', 'Auto'])
param smtpSecurity string = 'StartTls'

@description('SMTP user name.')
param smtpUser string = ''

@description('SMTP password, stored in Key Vault and referenced from the app settings.')
@secure()
param smtpPassword string = ''

@description('Sender address of the digests.')
param smtpFrom string = ''

@description('The first admin API key, stored in Key Vault (generate one: openssl rand -base64 32).')
@secure()
param bootstrapAdminKey string

@description('Base URL used in links inside mails; empty uses the function app URL.')
param publicBaseUrl string = ''

@description('Survey baselines (fractions 0..1); the defaults are the survey values.')
param baselines object = {
  Priority: '0.62'
  Speed: '0.58'
  Investment: '0.56'
  CustomerEngagement: '0.71'
  Cloud: '0.48'
  Crm: '0.41'
  Ai: '0.37'
  CustomerOutcomeLink: '0.36'
}

@description('Most instances Flex Consumption may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName, product: 'transformation-tracker' }
var deploymentContainer = 'app-package'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${token}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${token}'
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

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: 'smtp-password'
  properties: { value: smtpPassword }
}

resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bootstrap-admin-key'
  properties: { value: bootstrapAdminKey }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${token}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

var baselineSettings = [for b in items(baselines): { name: 'Baselines__${b.key}', value: string(b.value) }]
var smtpSettings = empty(smtpHost) ? [] : [
  { name: 'Smtp__Host', value: smtpHost }
  { name: 'Smtp__Port', value: string(smtpPort) }
  { name: 'Smtp__Security', value: smtpSecurity }
  { name: 'Smtp__User', value: smtpUser }
  { name: 'Smtp__From', value: smtpFrom }
  { name: 'Smtp__Password', value: empty(smtpPassword) ? '' : '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/smtp-password)' }
]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat([
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'Storage__TableEndpoint', value: storage.properties.primaryEndpoints.table }
        { name: 'Storage__BlobEndpoint', value: storage.properties.primaryEndpoints.blob }
        { name: 'Tracker__BootstrapAdminKey', value: '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/bootstrap-admin-key)' }
        { name: 'Tracker__PublicBaseUrl', value: publicBaseUrl }
        { name: 'MetricsSchedule', value: metricsSchedule }
        { name: 'DigestSchedule', value: digestSchedule }
      ], baselineSettings, smtpSettings)
    }
  }
}

// The app's identity: data-plane roles only (no keys anywhere).
resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, app.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, app.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, app.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, app.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output AZURE_FUNCTION_APP_NAME string = app.name
output TRACKER_API_URL string = 'https://${app.properties.defaultHostName}/api'
output TRACKER_ODATA_URL string = 'https://${app.properties.defaultHostName}/api/odata/'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name
output AZURE_KEY_VAULT_NAME string = vault.name
