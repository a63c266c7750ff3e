using Microsoft.AspNetCore.Routing.Template;

namespace CustomerPortal.Web.Api;

/// <summary>
/// Answers what routing could not match under <c>/api/v1</c> with problem details rather than the HTML error page:
/// 405 for a known path with another method, 415 for a known path and method with a body that is not JSON, else 404.
/// </summary>
public sealed class ApiFallback(EndpointDataSource endpoints)
{
    private IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)>? _routes;

    public IResult Answer(HttpContext http)
    {
        _routes ??= endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw
                && raw.StartsWith(BackOfficeApi.Prefix + "/", StringComparison.Ordinal)
                && !raw.Contains("**", StringComparison.Ordinal))
            .Select(e => (
                new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!), new RouteValueDictionary()),
                e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))
            .ToList();
        var methods = _routes
            .Where(r => r.Matcher.TryMatch(http.Request.Path, new RouteValueDictionary()))
            .SelectMany(r => r.Methods)
            .Distinct()
            .ToList();
        if (methods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase)
            && http.Request.ContentLength is > 0
            && !http.Request.HasJsonContentType())
        {
            return Results.Problem("Send the body as JSON with Content-Type: application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }
        if (methods.Count > 0 && !methods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            http.Response.Headers.Allow = string.Join(", ", methods);
            return Results.Problem($"{http.Request.Method} is not allowed here; use {string.Join(" or ", methods)}.",
                statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed");
        }
        return Results.Problem("No such endpoint. See /openapi/v1.json.",
            statusCode: StatusCodes.Status404NotFound, title: "Not found");
    }
}
