using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using CustomerPortal.Web.Tests.Infrastructure;

namespace CustomerPortal.Web.Tests.Staff;

public sealed record EndpointCall(string Method, string Path, Endpoint Endpoint);

/// <summary>Every route of the running app, with each parameter filled in, per HTTP method it accepts.</summary>
public static class StaffEndpoints
{
    public static List<EndpointCall> All(PortalFactory factory, long idValue = 1)
    {
        var source = factory.Services.GetRequiredService<EndpointDataSource>();
        var calls = new List<EndpointCall>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            // No method metadata means the endpoint answers any method, so a POST reaches it too.
            var accepted = methods is { Count: > 0 } ? methods : ["GET", "POST", "PUT", "PATCH", "DELETE"];
            var path = Fill(endpoint.RoutePattern, idValue);
            foreach (var method in accepted) calls.Add(new EndpointCall(method.ToUpperInvariant(), path, endpoint));
        }
        return calls.DistinctBy(c => (c.Method, c.Path)).ToList();
    }

    private static string Fill(RoutePattern pattern, long idValue)
    {
        var text = new System.Text.StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            text.Append('/');
            foreach (var part in segment.Parts)
            {
                text.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => parameter.Default?.ToString()
                        ?? (parameter.ParameterPolicies.Any(p => p.Content is "int" or "long"
                                || (p.Content?.StartsWith("min", StringComparison.Ordinal) ?? false))
                            ? idValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
                            : (parameter.ParameterPolicies.Any(p => p.Content == "guid")
                                ? Guid.Empty.ToString()
                                : idValue.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                    _ => "",
                });
            }
        }
        return text.Length == 0 ? "/" : text.ToString();
    }
}
