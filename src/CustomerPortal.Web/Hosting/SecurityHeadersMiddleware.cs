namespace CustomerPortal.Web.Hosting;

/// <summary>
/// Security headers on every response. The CSP allows no inline script: pages load their scripts from /js and /lib.
/// Stripe's Payment Element needs js.stripe.com and its frames when the Stripe processor is configured.
/// Every answer of the app (pages, PDFs, API, error pages) is <c>Cache-Control: private, no-store</c> unless it set its
/// own: they carry a customer's figures and documents. Only static files (served before routing, so without an
/// endpoint) may be kept by a cache.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IConfiguration config)
{
    private readonly string _csp = BuildPolicy(config);

    private static string BuildPolicy(IConfiguration config)
    {
        var stripe = string.Equals(config["Payments:Provider"], "Stripe", StringComparison.OrdinalIgnoreCase);
        var script = stripe ? "'self' https://js.stripe.com" : "'self'";
        var frame = stripe ? "https://js.stripe.com https://hooks.stripe.com" : "'self'";
        var connect = stripe ? "'self' https://api.stripe.com" : "'self'";
        return $"default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
               $"connect-src {connect}; frame-src {frame}; frame-ancestors 'none'; form-action 'self'; " +
               "base-uri 'self'; object-src 'none'";
    }

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = _csp;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers.XFrameOptions = "DENY";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        context.Response.OnStarting(NotStoredUnlessStatic, context);
        return next(context);
    }

    public const string NotStored = "private, no-store";

    private static Task NotStoredUnlessStatic(object state)
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        if (context.GetEndpoint() is not null && headers.CacheControl.Count == 0) headers.CacheControl = NotStored;
        return Task.CompletedTask;
    }
}
