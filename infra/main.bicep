// Transformation Tracker on Azure, deployed by `azd up` at subscription scope: it creates the resource group, then
// everything inside it (app.bicep). Only AZURE_ENV_NAME, AZURE_LOCATION and AZURE_SUBSCRIPTION_ID are needed; azd
// generates the bootstrap admin key once per environment and keeps it in .azure/<env>/config.json (git-ignored).
targetScope = 'subscription'

@description('Short name of the environment (azd sets it); names the resource group and seeds resource names.')
@minLength(2)
@maxLength(20)
param environmentName string

@description('Azure region of every resource (one where Flex Consumption is offered).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create; empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('The first admin API key, stored in Key Vault. azd generates it; the app refuses one under 32 characters.')
@secure()
@minLength(32)
@metadata({ azd: { type: 'generate', config: { length: 48, noSpecial: true } } })
param bootstrapAdminKey string

@description('NCRONTAB (with seconds, UTC) of the ComputeMetrics job.')
param metricsSchedule string = '0 0 2 * * *'

@description('NCRONTAB (with seconds, UTC) of the SendDigests job.')
param digestSchedule string = '0 0 * * * *'

@description('NCRONTAB (with seconds, UTC) of the RequestUpdates job; each portfolio sends at its own local time.')
param updateRequestSchedule string = '0 0 * * * *'

@description('NCRONTAB (with seconds, UTC) of the BuildHistories job: builds compact histories that are missing (after an upgrade) or repairs them.')
param historySchedule string = '0 0 1 * * *'

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

@description('Base URL of links in mails and OData next links; empty: https://<the app default host name>.')
param publicBaseUrl string = ''

@description('Sender address of update requests (empty: update-requests@transformation-tracker.local; a real relay needs an address it accepts).')
param updateRequestsFrom string = ''

@description('Directory (tenant) id for sign-in with Microsoft Entra ID; empty: Entra sign-in off, API keys only.')
param entraTenantId string = ''

@description('Application (client) id of the tracker\'s app registration (infra/entra/register.sh creates it).')
param entraClientId string = ''

@description('The Application ID URI, an accepted token audience besides the client id: for Power BI the https URL of the app on a verified custom domain, e.g. https://tracker.contoso.com.')
param entraApplicationIdUri string = ''

@description('Client secret of the app registration, for the dashboard\'s work-account sign-in (infra/entra/register.sh creates it); stored in Key Vault.')
@secure()
param entraClientSecret string = ''

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

@description('Most instances Flex Consumption may scale out to (40 is the lowest maximum Flex Consumption accepts).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Always-ready instances, e.g. [{ name: \'http\', instanceCount: 1 }]; none by default (pay per use).')
param alwaysReady array = []

var tags = { 'azd-env-name': environmentName, product: 'transformation-tracker' }

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module app 'app.bicep' = {
  name: 'tracker-app'
  scope: group
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    bootstrapAdminKey: bootstrapAdminKey
    metricsSchedule: metricsSchedule
    digestSchedule: digestSchedule
    updateRequestSchedule: updateRequestSchedule
    historySchedule: historySchedule
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpSecurity: smtpSecurity
    smtpUser: smtpUser
    smtpPassword: smtpPassword
    smtpFrom: smtpFrom
    publicBaseUrl: publicBaseUrl
    updateRequestsFrom: updateRequestsFrom
    entraTenantId: entraTenantId
    entraClientId: entraClientId
    entraApplicationIdUri: entraApplicationIdUri
    entraClientSecret: entraClientSecret
    baselines: baselines
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReady: alwaysReady
  }
}

output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.appName
output TRACKER_API_URL string = '${app.outputs.appUrl}/api'
output TRACKER_ODATA_URL string = '${app.outputs.appUrl}/api/odata/'
output AZURE_STORAGE_ACCOUNT_NAME string = app.outputs.storageName
output AZURE_KEY_VAULT_NAME string = app.outputs.vaultName
