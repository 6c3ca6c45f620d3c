using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tracker.Security;

namespace Tracker.Server;

/// <summary>The request body an endpoint reads itself, for the OpenAPI document only.</summary>
public sealed record RequestBodyMetadata(Type Type, string ContentType);

/// <summary>The OpenAPI document at /api/openapi.json, with request bodies and the API key schemes.</summary>
public static class OpenApi
{
    public static IServiceCollection AddTrackerOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddOperationTransformer(async (operation, context, ct) =>
            {
                var body = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBodyMetadata>().FirstOrDefault();
                if (body is null)
                {
                    return;
                }
                var schema = await context.GetOrCreateSchemaAsync(body.Type, cancellationToken: ct);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType> { [body.ContentType] = new() { Schema = schema } },
                };
            });
            options.AddDocumentTransformer((document, context, ct) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Transformation Tracker API",
                    Version = "v1",
                    Description = "Portfolios, projects and progress updates of a digital-transformation PMO, compared with survey baselines.",
                };
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
                return Task.CompletedTask;
            });
        });
}
