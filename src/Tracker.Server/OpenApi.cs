using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tracker.Api;
using Tracker.Security;

namespace Tracker.Server;

/// <summary>
/// The OpenAPI document at /api/openapi.json, generated from the route declarations of RouteTable (summary,
/// results, parameters, headers, examples) and the rules every route shares (API key schemes, Idempotency-Key on
/// POST, 429 and 503 with Retry-After, ProblemDetails for every error).
/// </summary>
public static class OpenApi
{
    private static readonly (string Name, string Description)[] Tags =
    [
        ("Service", "Health, the survey baselines and this document."),
        ("Portfolios", "Portfolios of digital-transformation projects, each with its time zone and currency."),
        ("Projects", "Projects of a portfolio: descriptive fields and their current measured state; CSV import and export."),
        ("Updates", "Progress updates: history of each project, posted one by one or imported from CSV."),
        ("Metrics", "How the portfolio prioritises, accelerates and invests, against the survey's baselines."),
        ("Digests", "E-mail digests for portfolio owners: subscriptions, preview, one-click unsubscribe."),
        ("Keys", "API keys (admin): reader, writer or admin, for all or some portfolios; the secret is shown once."),
        ("Jobs", "The daily jobs (ComputeMetrics, SendDigests): run history, and running one now (admin)."),
        ("Feed", "The Power BI feed: OData v4 (minimal metadata JSON), CSDL XML at $metadata, server-driven paging."),
    ];

    public static IServiceCollection AddTrackerOpenApi(this IServiceCollection services) => services
        // The handlers write JSON themselves (TrackerJson); these options only tell the document generator that enums
        // travel as their lower camelCase names.
        .ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase, false)))
        .AddOpenApi(options =>
        {
            // The rates are a dictionary to the generator; as a component they keep their name in the document.
            options.CreateSchemaReferenceId = type => type.Type == typeof(Metrics.PortfolioRates)
                ? nameof(Metrics.PortfolioRates) : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            // An enum first met as nullable is written with null among its values, and then every use wraps it in
            // oneOf [null, enum] again, which a null matches twice: nullability belongs to the wrapper alone.
            options.AddSchemaTransformer((schema, context, ct) =>
            {
                if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
                {
                    schema.Enum = [.. values.Where(v => v is not null)];
                }
                // The rates travel as an object with one member per rate definition (Metrics/RateDefinitions.cs).
                if (context.JsonTypeInfo.Type == typeof(Metrics.PortfolioRates) && schema.AdditionalProperties is { } rate)
                {
                    schema.Properties = Metrics.RateDefinitions.Ids.ToDictionary(id => id, _ => rate);
                    schema.Required = new HashSet<string>(Metrics.RateDefinitions.Ids);
                    schema.AdditionalProperties = null;
                }
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, ct) =>
            {
                var route = context.Description.ActionDescriptor.EndpointMetadata.OfType<RouteSpec>().Single();
                var doc = route.Doc!;
                var document = context.Document!;
                var path = "/" + context.Description.RelativePath;
                var method = context.Description.HttpMethod ?? "GET";
                operation.Description ??= operation.Summary + ".";
                operation.Tags = new HashSet<OpenApiTagReference> { new(TagFor(path), document) };
                operation.Security = route.Role is null
                    ? []
                    :
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKeyHeader", document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKeyQuery", document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("basic", document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("entraId", document)] = [] },
                    ];

                operation.Parameters ??= [];
                foreach (var name in route.Parameters)
                {
                    // The endpoint reads its values itself, so the generator does not see them: each is declared here,
                    // with the letters-only pattern of an {x:alpha} constraint.
                    var schema = new OpenApiSchema { Type = JsonSchemaType.String };
                    if (route.Template.Contains("{" + name + ":alpha}", StringComparison.Ordinal))
                    {
                        schema.Pattern = "^[A-Za-z]*$";
                    }
                    operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true, Schema = schema });
                }
                foreach (var query in doc.Queries)
                {
                    operation.Parameters.Add(new OpenApiParameter { Name = query.Name, In = ParameterLocation.Query, Description = query.Description, Schema = Schema(query) });
                }
                if (HttpMethods.IsPost(method))
                {
                    operation.Parameters.Add(Header("Idempotency-Key",
                        "Makes a retry safe: the same key and body replay the first answer (24 h) and write nothing more. 1-255 printable ASCII characters."));
                }
                if (doc.IfMatch)
                {
                    operation.Parameters.Add(Header("If-Match", "The ETag the resource had when read; when it changed since, nothing is written (412). * or absent: unconditional."));
                }

                if (route.Body is { } body)
                {
                    var schema = body.Type == typeof(string) ? new OpenApiSchema { Type = JsonSchemaType.String } : await context.GetOrCreateSchemaAsync(body.Type, cancellationToken: ct);
                    var media = new OpenApiMediaType { Schema = schema };
                    if (doc.Example is { } example)
                    {
                        media.Example = JsonNode.Parse(example);
                    }
                    var content = new Dictionary<string, OpenApiMediaType> { [body.MediaTypes[0]] = media };
                    // A file route takes each of its types: a CSV text, or an .xlsx workbook (binary).
                    foreach (var other in body.Type == typeof(string) ? body.MediaTypes.Skip(1) : [])
                    {
                        content[other] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                    }
                    operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
                }

                operation.Responses ??= [];
                operation.Responses["429"] = Problem(document, "Too many requests: the rate limit of the key (or of the client address) is reached.");
                foreach (var (status, response) in operation.Responses)
                {
                    if (response is not OpenApiResponse r)
                    {
                        continue;
                    }
                    r.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    if (status == "401")
                    {
                        r.Headers["WWW-Authenticate"] = ResponseHeader(
                            "The challenges: Bearer authorization_uri=https://login.microsoftonline.com/{tenant}/oauth2/authorize (with Entra ID), and Basic realm=\"Transformation Tracker\", charset=\"UTF-8\".");
                    }
                    if (status is "429" or "503")
                    {
                        r.Headers["Retry-After"] = ResponseHeader("Seconds to wait before retrying.", JsonSchemaType.Integer);
                    }
                    if (!status.StartsWith('2'))
                    {
                        continue;
                    }
                    if (status == "201")
                    {
                        r.Headers["Location"] = ResponseHeader("The URL of what was created.");
                    }
                    if (doc.ETag && status is "200" or "201")
                    {
                        r.Headers["ETag"] = ResponseHeader("The resource's version, for If-Match.");
                    }
                    if (doc.MetricsSource)
                    {
                        r.Headers["Metrics-Source"] = ResponseHeader("snapshot (written by the daily job) or computed (no snapshot for that day).");
                    }
                    if (HttpMethods.IsPost(method))
                    {
                        r.Headers["Idempotent-Replayed"] = ResponseHeader("true when this answer is the replay of an earlier request with the same Idempotency-Key.");
                    }
                }
            });
            options.AddDocumentTransformer((document, context, ct) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Transformation Tracker API",
                    Version = "v1",
                    Description = "Portfolios, projects and progress updates of a digital-transformation PMO, compared with survey baselines. "
                        + "Every call but health, this document and the links in mails needs an API key (x-api-key header, the password of Basic credentials, or the code query parameter). "
                        + "Errors are RFC 9457 ProblemDetails; enum values are lower camelCase exactly.",
                    License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
                };
                document.Servers = [new OpenApiServer { Url = "http://127.0.0.1:7071", Description = "Local (./run.sh); in Azure https://<app default host name>" }];
                document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["apiKeyHeader"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticator.HeaderName,
                    Description = "An API key (reader, writer or admin).",
                };
                document.Components.SecuritySchemes["apiKeyQuery"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Query,
                    Name = ApiKeyAuthenticator.QueryName,
                    Description = "The same key as a query parameter, for Power BI's Web API credential.",
                };
                document.Components.SecuritySchemes["entraId"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A Microsoft Entra ID access token for the tracker's app registration (when Auth:Entra is configured): "
                        + "issued by https://login.microsoftonline.com/{tenant}/v2.0 (OpenID configuration at "
                        + "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration), audience the app's client id "
                        + "or Application ID URI, app roles Tracker.Reader, Tracker.Writer or Tracker.Admin in the roles claim.",
                };
                document.Components.SecuritySchemes["basic"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "basic",
                    Description = "The same key as the password of HTTP Basic credentials (any user name): Power BI's Basic credential, for scheduled refresh in the service.",
                };
                return Task.CompletedTask;
            });
        });

    private static string TagFor(string path) => path switch
    {
        _ when path.Contains("/odata", StringComparison.Ordinal) => "Feed",
        _ when path.Contains("/digests", StringComparison.Ordinal) || path.Contains("/subscriptions", StringComparison.Ordinal) => "Digests",
        _ when path.Contains("/metrics", StringComparison.Ordinal) => "Metrics",
        _ when path.Contains("/updates", StringComparison.Ordinal) => "Updates",
        _ when path.Contains("/projects", StringComparison.Ordinal) => "Projects",
        _ when path.Contains("/portfolios", StringComparison.Ordinal) => "Portfolios",
        _ when path.Contains("/keys", StringComparison.Ordinal) => "Keys",
        _ when path.Contains("/jobs", StringComparison.Ordinal) => "Jobs",
        _ => "Service",
    };

    private static OpenApiSchema Schema(RouteQuery query)
    {
        if (query.Enum is { } type)
        {
            return new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. Common.TrackerJson.Names(type)!.Select(n => (JsonNode)JsonValue.Create(n)!)] };
        }
        return query.Type switch
        {
            "integer" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            "boolean" => new OpenApiSchema { Type = JsonSchemaType.Boolean },
            "date" => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
            _ => new OpenApiSchema { Type = JsonSchemaType.String },
        };
    }

    private static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

    private static OpenApiHeader ResponseHeader(string description, JsonSchemaType type = JsonSchemaType.String) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type } };

    private static OpenApiResponse Problem(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
        },
    };
}
