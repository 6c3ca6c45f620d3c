// Everything inside the resource group: a user-assigned identity created first and granted its roles (roles.bicep)
// before the Flex Consumption app that runs as it starts; storage with shared-key access off; Key Vault for the
// secrets (vault.bicep); Application Insights with local auth off.
targetScope = 'resourceGroup'

param environmentName string
param location string
param tags object
@secure()
param bootstrapAdminKey string
param metricsSchedule string
param digestSchedule string
param updateRequestSchedule string
param historySchedule string
param smtpHost string
param smtpPort int
param smtpSecurity string
param smtpUser string
@secure()
param smtpPassword string
param smtpFrom string
param publicBaseUrl string
param updateRequestsFrom string
param entraTenantId string
param entraClientId string
param entraApplicationIdUri string
@secure()
param entraClientSecret string
param baselines object
param maximumInstanceCount int
param instanceMemoryMB int
param alwaysReady array

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var deploymentContainer = 'app-package'

// The app's identity, before anything that needs it: its roles are granted before the site exists, so Key Vault
// references and identity-based storage work on the very first start.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${token}'
  location: location
  tags: tags
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

// The job queues (one per job, and the poison queue the Functions host moves a message to after maxDequeueCount
// attempts). Created here so that the app's identity needs no right to create queues.
var jobQueues = ['compute-metrics', 'compute-metrics-poison', 'send-digests', 'send-digests-poison', 'request-updates', 'request-updates-poison', 'build-histories', 'build-histories-poison']

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for name in jobQueues: {
  parent: queueService
  name: name
}]

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

module vault 'vault.bicep' = {
  name: 'tracker-vault'
  params: {
    location: location
    tags: tags
    identityPrincipalId: identity.properties.principalId
    bootstrapAdminKey: bootstrapAdminKey
    smtpPassword: smtpPassword
    entraClientSecret: entraClientSecret
  }
}

module roles 'roles.bicep' = {
  name: 'tracker-roles'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storage.name
    vaultName: vault.outputs.name
    insightsName: insights.name
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${token}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReady
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
    }
  }
  // The package container and every role of the identity exist before the site does.
  dependsOn: [packageContainer, queues, roles]
}

// Every app setting, by name. Secrets are Key Vault references only; an empty value means "not configured".
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    AZURE_CLIENT_ID: identity.properties.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
    Storage__TableEndpoint: storage.properties.primaryEndpoints.table
    Storage__BlobEndpoint: storage.properties.primaryEndpoints.blob
    Storage__QueueEndpoint: storage.properties.primaryEndpoints.queue
    // The queue triggers' connection (Connection = "JobQueue"): the same account, with the app's identity.
    JobQueue__queueServiceUri: storage.properties.primaryEndpoints.queue
    JobQueue__credential: 'managedidentity'
    JobQueue__clientId: identity.properties.clientId
    Tracker__BootstrapAdminKey: '@Microsoft.KeyVault(SecretUri=${vault.outputs.bootstrapAdminKeyUri})'
    Tracker__PublicBaseUrl: empty(publicBaseUrl) ? 'https://${app.properties.defaultHostName}' : publicBaseUrl
    MetricsSchedule: metricsSchedule
    DigestSchedule: digestSchedule
    UpdateRequestSchedule: updateRequestSchedule
    HistorySchedule: historySchedule
    Smtp__Host: smtpHost
    Smtp__Port: string(smtpPort)
    Smtp__Security: smtpSecurity
    Smtp__User: smtpUser
    Smtp__From: smtpFrom
    Smtp__Password: empty(smtpPassword) ? '' : '@Microsoft.KeyVault(SecretUri=${vault.outputs.smtpSecretUri})'
    Mail__UpdateRequestsFrom: updateRequestsFrom
    Auth__Entra__TenantId: entraTenantId
    Auth__Entra__ClientId: entraClientId
    Auth__Entra__Audiences__0: entraApplicationIdUri
    Auth__Entra__ClientSecret: empty(entraClientSecret) ? '' : '@Microsoft.KeyVault(SecretUri=${vault.outputs.entraClientSecretUri})'
    Baselines__Priority: string(baselines.Priority)
    Baselines__Speed: string(baselines.Speed)
    Baselines__Investment: string(baselines.Investment)
    Baselines__CustomerEngagement: string(baselines.CustomerEngagement)
    Baselines__Cloud: string(baselines.Cloud)
    Baselines__Crm: string(baselines.Crm)
    Baselines__Ai: string(baselines.Ai)
    Baselines__CustomerOutcomeLink: string(baselines.CustomerOutcomeLink)
  }
}

output appName string = app.name
output appUrl string = 'https://${app.properties.defaultHostName}'
output storageName string = storage.name
output vaultName string = vault.outputs.name
