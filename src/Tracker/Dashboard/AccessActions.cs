using Tracker.Api;
using Tracker.Common;
using Tracker.Dashboard.Templates;
using Tracker.Security;

namespace Tracker.Dashboard;

/// <summary>The fields of the new-key form.</summary>
public sealed record KeyFields;

/// <summary>The fields of the new-grant form.</summary>
public sealed record GrantFields;

/// <summary>
/// The admin's access page: API keys (create — the secret is shown once, on the answer to the form, and stored only
/// hashed — and revoke) and Entra ID grants (limit a user or group to portfolios; revoke). The same service as the
/// API's key and grant routes does the work.
/// </summary>
public sealed class AccessActions(AccessAdmin admin)
{
    public static readonly IReadOnlyDictionary<string, string> KeyLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["name"] = "Name",
        ["role"] = "Role",
        ["portfolios"] = "Portfolio ids",
    };

    public static readonly IReadOnlyDictionary<string, string> GrantLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["principalId"] = "Object id",
        ["principalType"] = "User or group",
        ["name"] = "Name",
        ["portfolios"] = "Portfolio ids",
    };

    public Task<ApiResponse> Page(Call call) => PageAsync(call, 200);

    public async Task<ApiResponse> CreateKey(Call call)
    {
        var values = FormState.Read(await call.Request.ReadFormAsync(call.Aborted), [.. KeyLabels.Keys]);
        var v = new Validation();
        var body = new CreateApiKeyRequest
        {
            Name = values["name"],
            Role = FormValues.Choice<Role>(v, "role", values["role"]),
            Portfolios = List(values["portfolios"]),
        };
        body.Validate(v, call.Identity.At);
        if (!v.IsValid)
        {
            return await PageAsync(call, 400, keyForm: new FormState(values, Validation.Labelled(v.Errors, KeyLabels)));
        }
        // Not a redirect: this answer is the only place the secret is ever shown. The page is never stored (no-store).
        return await PageAsync(call, 201, created: await admin.CreateKeyAsync(body, call.Identity, call.Caller, call.Aborted));
    }

    public async Task<ApiResponse> RevokeKey(Call call)
    {
        await admin.RevokeKeyAsync(await admin.FindKeyAsync(call.Route("keyId"), call.Aborted), call.Caller, call.Aborted);
        return Pages.Redirect(DashboardRoutes.Access + "?done=key#keys");
    }

    public async Task<ApiResponse> CreateGrant(Call call)
    {
        var values = FormState.Read(await call.Request.ReadFormAsync(call.Aborted), [.. GrantLabels.Keys]);
        var v = new Validation();
        var body = new CreateGrantRequest
        {
            PrincipalId = values["principalId"],
            PrincipalType = FormValues.Choice<PrincipalType>(v, "principalType", values["principalType"]),
            Name = FormValues.Text(values["name"]),
            Portfolios = List(values["portfolios"]),
        };
        body.Validate(v, call.Identity.At);
        if (!v.IsValid)
        {
            return await PageAsync(call, 400, grantForm: new FormState(values, Validation.Labelled(v.Errors, GrantLabels)));
        }
        await admin.CreateGrantAsync(body, call.Identity, call.Caller, call.Aborted);
        return Pages.Redirect(DashboardRoutes.Access + "?done=grant#grants");
    }

    public async Task<ApiResponse> RevokeGrant(Call call)
    {
        await admin.RevokeGrantAsync(await admin.FindGrantAsync(call.Route("grantId"), call.Aborted), call.Caller, call.Aborted);
        return Pages.Redirect(DashboardRoutes.Access + "?done=revoked-grant#grants");
    }

    /// <summary>Portfolio ids typed as a list (commas, semicolons or spaces); empty means every portfolio.</summary>
    private static List<string>? List(string text) =>
        text.Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } ids ? [.. ids] : null;

    private async Task<ApiResponse> PageAsync(Call call, int status, FormState? keyForm = null, FormState? grantForm = null, ApiKey? created = null)
    {
        var (keys, grants) = await admin.AllAsync(call.Aborted);
        var done = status == 200 ? call.Request.Query["done"].ToString() : "";
        return Pages.Html(status, HtmlTemplates.Render<AccessPage>(new Dictionary<string, object?>
        {
            [nameof(AccessPage.Keys)] = keys.Select(k => k.ToApi()).OrderBy(k => k.RevokedAt is not null).ThenBy(k => k.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            [nameof(AccessPage.Grants)] = grants.Select(g => g.ToApi()).OrderBy(g => g.RevokedAt is not null).ThenBy(g => g.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            [nameof(AccessPage.KeyForm)] = keyForm ?? FormState.Of(new Dictionary<string, string> { ["role"] = "reader" }),
            [nameof(AccessPage.GrantForm)] = grantForm ?? FormState.Of(new Dictionary<string, string> { ["principalType"] = "group" }),
            [nameof(AccessPage.Created)] = created,
            [nameof(AccessPage.Notice)] = done switch
            {
                "key" => "The key is revoked: it no longer signs anyone in, and sessions started with it have ended.",
                "grant" => "The grant is saved.",
                "revoked-grant" => "The grant is revoked.",
                _ => null,
            },
            [nameof(AccessPage.Session)] = PageGate.SessionOf(call.Request),
        }));
    }
}
