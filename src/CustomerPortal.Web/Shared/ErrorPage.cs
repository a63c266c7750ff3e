namespace CustomerPortal.Web.Shared;

/// <summary>
/// The error page: the status, and what was wrong when the portal can say it in plain words. Every refusal a browser
/// gets (400, 403, 404, 429, 503, 500) is this page in the portal's layout: an answer with an empty body is run again
/// as <c>/error/{status}</c> (status code pages), carrying the message set with <see cref="Tell"/>.
/// </summary>
public sealed record ErrorPage(int Status, string? Message = null)
{
    private const string MessageKey = "CustomerPortal.ErrorPage.Message";

    /// <summary>
    /// The header the Make a Payment page's script sends: it swaps answers in, so it gets text, not pages.
    /// </summary>
    public const string FragmentHeader = "X-Fragment";

    /// <summary>
    /// What the error page run again for this request says (status code pages keep the request's items).
    /// </summary>
    public static void Tell(HttpContext http, string message) => http.Items[MessageKey] = message;

    /// <summary>The message set with <see cref="Tell"/>, if any.</summary>
    public static string? MessageOf(HttpContext http) => http.Items[MessageKey] as string;

    /// <summary>A script's request that wants a short text answer rather than a whole page.</summary>
    public static bool IsScriptRequest(HttpRequest request) => request.Headers[FragmentHeader] == "1";

    /// <summary>
    /// Refuses with <paramref name="status"/>: a script's request gets <paramref name="message"/> as plain text; a
    /// browser gets the error page (the body is left empty for status code pages to fill).
    /// </summary>
    public static async Task RefuseAsync(HttpContext http, int status, string message, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        if (IsScriptRequest(http.Request))
        {
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(message, ct);
            return;
        }
        Tell(http, message);
    }
}
