using System.Text.Json.Nodes;

namespace Tracker.Functions.Tests;

/// <summary>
/// infra/ compiled to ARM JSON and read as data: what azd would ask Azure Resource Manager to create. Each check is a
/// function returning the problems it finds, so a deliberately broken copy of the template can prove the check bites.
/// </summary>
public sealed class InfraTests
{
    [Fact]
    public void ItDeploysAtSubscriptionScopeAndCreatesTheResourceGroup()
    {
        Assert.Contains("subscriptionDeploymentTemplate", Infra.Template["$schema"]!.GetValue<string>());
        Assert.Contains(Infra.Resources(), r => Type(r) == "Microsoft.Resources/resourceGroups");
        var parameters = Infra.Template["parameters"]!.AsObject();
        // Only environmentName and location lack a default; azd generates the admin key (metadata azd.type generate).
        var required = parameters.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key).Order().ToList();
        Assert.Equal(["bootstrapAdminKey", "environmentName", "location"], required);
        Assert.Equal("generate", parameters["bootstrapAdminKey"]!["metadata"]!["azd"]!["type"]!.GetValue<string>());
    }

    /// <summary>
    /// Entra ID sign-in: the app registration's roles (infra/entra/app-roles.json, used by register.sh) are exactly the
    /// three the app maps, with distinct ids; azd passes the tenant, client id and Application ID URI as parameters and
    /// the app gets them as the Auth:Entra settings it validates.
    /// </summary>
    [Fact]
    public void TheAppRegistrationManifestHasTheThreeAppRolesAndTheAppGetsItsIds()
    {
        var roles = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoFiles.PathOf("infra", "entra", "app-roles.json")))!.AsArray();
        Assert.Equal([Security.EntraAuthenticator.ReaderRole, Security.EntraAuthenticator.WriterRole, Security.EntraAuthenticator.AdminRole],
            roles.Select(r => r!["value"]!.GetValue<string>()));
        Assert.Equal(3, roles.Select(r => Guid.Parse(r!["id"]!.GetValue<string>())).Distinct().Count());
        Assert.All(roles, r => Assert.True(r!["isEnabled"]!.GetValue<bool>()));
        Assert.Contains("--app-roles @app-roles.json", File.ReadAllText(RepoFiles.PathOf("infra", "entra", "register.sh")), StringComparison.Ordinal);

        var parameters = Infra.Template["parameters"]!.AsObject();
        Assert.All(new[] { "entraTenantId", "entraClientId", "entraApplicationIdUri" }, p => Assert.Equal("", parameters[p]!["defaultValue"]!.GetValue<string>()));
        Assert.Superset(new HashSet<string> { "Auth__Entra__TenantId", "Auth__Entra__ClientId", "Auth__Entra__Audiences__0", "Auth__Entra__ClientSecret", "Mail__UpdateRequestsFrom" },
            Infra.AppSettingNames());
    }

    [Fact]
    public void TheTemplatePassesEveryCheck() => Assert.Empty(Problems(Infra.Template));

    /// <summary>A copy of infra/ with the role assignment named from the app instead of the principal fails the check.</summary>
    [Fact]
    public void ARoleNameFromTheAppIdIsCaught()
    {
        var broken = BrokenCopy("roles.bicep", "guid(storage.id, principalId, roleIds.storageTableDataContributor)",
            "guid(storage.id, resourceGroup().id, roleIds.storageTableDataContributor)");
        Assert.Contains(Problems(broken), p => p.Contains("role assignment name", StringComparison.Ordinal));
    }

    [Fact]
    public void TheEntraClientSecretInPlainAppSettingsIsCaught()
    {
        var broken = BrokenCopy("app.bicep", "Auth__Entra__ClientSecret: empty(entraClientSecret) ? '' : '@Microsoft.KeyVault(SecretUri=${vault.outputs.entraClientSecretUri})'",
            "Auth__Entra__ClientSecret: entraClientSecret");
        Assert.Contains(Problems(broken), p => p.Contains("Auth__Entra__ClientSecret", StringComparison.Ordinal));
    }

    [Fact]
    public void ASecretInPlainAppSettingsIsCaught()
    {
        var broken = BrokenCopy("app.bicep", "Tracker__BootstrapAdminKey: '@Microsoft.KeyVault(SecretUri=${vault.outputs.bootstrapAdminKeyUri})'",
            "Tracker__BootstrapAdminKey: bootstrapAdminKey");
        Assert.Contains(Problems(broken), p => p.Contains("Tracker__BootstrapAdminKey", StringComparison.Ordinal));
    }

    public static List<string> Problems(JsonObject template)
    {
        var problems = new List<string>();
        var resources = Infra.Resources(template).ToList();
        var site = resources.Single(r => Type(r) == "Microsoft.Web/sites");
        var siteProperties = site["properties"]!;

        // A user-assigned identity, created before the site and used for Key Vault references and deployment.
        if (site["identity"]?["type"]?.GetValue<string>() != "UserAssigned")
        {
            problems.Add("the site does not run as a user-assigned identity");
        }
        if (!Text(siteProperties["keyVaultReferenceIdentity"]).Contains("Microsoft.ManagedIdentity/userAssignedIdentities", StringComparison.Ordinal))
        {
            problems.Add("keyVaultReferenceIdentity is not the user-assigned identity");
        }
        var deployment = siteProperties["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!;
        if (deployment["type"]?.GetValue<string>() != "UserAssignedIdentity")
        {
            problems.Add("the deployment package is not read with the user-assigned identity");
        }
        var dependsOn = (site["dependsOn"] as JsonArray ?? []).Select(Text).ToList();
        foreach (var (what, needle) in new[] { ("the identity", "userAssignedIdentities"), ("the role assignments", "'tracker-roles'"), ("the package container", "containers") })
        {
            if (!dependsOn.Any(d => d.Contains(needle, StringComparison.Ordinal)))
            {
                problems.Add($"the site does not depend on {what}");
            }
        }

        // Role assignments named from the principal they grant to, granted to the identity's principal.
        var rolesModule = resources.Single(r => Type(r) == "Microsoft.Resources/deployments" && Text(r["name"]) == "tracker-roles");
        if (!Text(rolesModule["properties"]!["parameters"]!["principalId"]!["value"]).Contains("userAssignedIdentities", StringComparison.Ordinal))
        {
            problems.Add("the roles are not granted to the user-assigned identity's principal");
        }
        var assignments = resources.Where(r => Type(r) == "Microsoft.Authorization/roleAssignments").ToList();
        if (assignments.Count != 5)
        {
            problems.Add($"{assignments.Count} role assignments; expected blob owner, table contributor, secrets user, metrics publisher and the queue roles");
        }
        problems.AddRange(QueueProblems(resources, rolesModule));
        foreach (var assignment in assignments.Where(a => !Text(a["name"]).Contains("parameters('principalId')", StringComparison.Ordinal)))
        {
            problems.Add("a role assignment name does not derive from the principal id: " + Text(assignment["name"]));
        }

        // App settings: secrets only as Key Vault references, identity-based storage, a public base URL.
        var settings = resources.Single(r => Type(r) == "Microsoft.Web/sites/config" && Text(r["name"]).Contains("appsettings", StringComparison.Ordinal))["properties"]!.AsObject();
        foreach (var (name, value) in settings)
        {
            // Asking whether a secret was given is fine; its value may only reach the vault.
            var text = Text(value).Replace("empty(parameters('smtpPassword'))", "", StringComparison.Ordinal)
                .Replace("empty(parameters('entraClientSecret'))", "", StringComparison.Ordinal);
            if (new[] { "bootstrapAdminKey", "smtpPassword", "entraClientSecret" }.Any(secret => text.Contains($"parameters('{secret}')", StringComparison.Ordinal)))
            {
                problems.Add($"{name} holds a secret in plain text");
            }
            if (text.Contains("listKeys", StringComparison.OrdinalIgnoreCase) || text.Contains("AccountKey=", StringComparison.Ordinal))
            {
                problems.Add($"{name} holds a storage key");
            }
        }
        foreach (var name in new[] { "Tracker__BootstrapAdminKey", "Smtp__Password", "Auth__Entra__ClientSecret" })
        {
            if (!Text(settings[name]).Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal))
            {
                problems.Add($"{name} is not a Key Vault reference");
            }
        }
        foreach (var name in new[] { "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AZURE_CLIENT_ID" })
        {
            if (!settings.ContainsKey(name))
            {
                problems.Add($"{name} is missing: identity-based storage needs it");
            }
        }
        if (settings.ContainsKey("AzureWebJobsStorage"))
        {
            problems.Add("AzureWebJobsStorage is a connection string; use the identity-based settings");
        }
        if (!Text(settings["Tracker__PublicBaseUrl"]).Contains("defaultHostName", StringComparison.Ordinal))
        {
            problems.Add("Tracker__PublicBaseUrl does not fall back to the app's default host name");
        }

        // Flex Consumption as the samples: at least 40 instances allowed, nothing always ready by default.
        var parameters = template["parameters"]!.AsObject();
        if (parameters["maximumInstanceCount"]?["minValue"]?.GetValue<int>() is not >= 40)
        {
            problems.Add("maximumInstanceCount allows fewer than 40 instances");
        }
        if (parameters["alwaysReady"]?["defaultValue"] is not JsonArray { Count: 0 })
        {
            problems.Add("always-ready instances are on by default");
        }
        return problems;
    }

    /// <summary>A copy of infra/ that grants Queue Data Contributor (more than the app needs) fails the check.</summary>
    [Fact]
    public void ABroaderQueueRoleIsCaught()
    {
        var broken = BrokenCopy("roles.bicep", "storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'",
            "storageQueueDataMessageSender: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'");
        Assert.Contains(Problems(broken), p => p.Contains("queue role", StringComparison.Ordinal));
    }

    /// <summary>
    /// The job queues: each job's queue and poison queue exist (so the app needs no right to create one), the app
    /// reaches them with its identity, and its queue roles are exactly those the Functions docs list for a queue
    /// trigger and for sending: Reader, Message Processor, Message Sender.
    /// </summary>
    private static IEnumerable<string> QueueProblems(List<JsonObject> resources, JsonObject rolesModule)
    {
        var expected = JobTable.All.SelectMany(j => new[] { j.Queue, j.Queue + Jobs.JobQueues.PoisonSuffix }).Order().ToList();
        var declared = resources.Where(r => Type(r) == "Microsoft.Resources/deployments")
            .Select(r => r["properties"]?["template"]?["variables"]?["jobQueues"]).OfType<JsonArray>()
            .SelectMany(a => a.Select(Text)).Order().ToList();
        if (!declared.SequenceEqual(expected))
        {
            yield return $"the template creates queues [{string.Join(", ", declared)}]; the jobs use [{string.Join(", ", expected)}]";
        }
        if (!resources.Any(r => Type(r) == "Microsoft.Storage/storageAccounts/queueServices/queues" && Text(r["name"]).Contains("jobQueues", StringComparison.Ordinal)))
        {
            yield return "no queue resource is created from jobQueues";
        }
        var roleIds = rolesModule["properties"]!["template"]!["variables"]!["roleIds"]!.AsObject();
        var queueRoles = roleIds.Where(r => r.Key.StartsWith("storageQueue", StringComparison.Ordinal)).Select(r => Text(r.Value)).Order().ToList();
        string[] allowed = ["19e7f393-937e-4f77-808e-94535e297925", "8a0f0c08-91a1-4084-bc3d-661d67233fed", "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a"];
        if (!queueRoles.SequenceEqual(allowed.Order()))
        {
            yield return $"the queue roles are [{string.Join(", ", queueRoles)}]; expected Reader, Message Processor and Message Sender only";
        }
        var settings = resources.Single(r => Type(r) == "Microsoft.Web/sites/config" && Text(r["name"]).Contains("appsettings", StringComparison.Ordinal))["properties"]!.AsObject();
        foreach (var name in new[] { "Storage__QueueEndpoint", "JobQueue__queueServiceUri", "JobQueue__credential", "JobQueue__clientId" })
        {
            if (!settings.ContainsKey(name))
            {
                yield return $"{name} is missing: the job queues are reached with the app's identity";
            }
        }
    }

    private static JsonObject BrokenCopy(string file, string find, string replace)
    {
        var dir = Directory.CreateTempSubdirectory("tracker-infra-").FullName;
        try
        {
            foreach (var source in Directory.EnumerateFiles(RepoFiles.PathOf("infra")))
            {
                File.Copy(source, Path.Combine(dir, Path.GetFileName(source)));
            }
            var path = Path.Combine(dir, file);
            var text = File.ReadAllText(path);
            Assert.Contains(find, text);
            File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));
            return Infra.Build(Path.Combine(dir, "main.bicep"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Type(JsonObject resource) => Text(resource["type"]);

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";
}
