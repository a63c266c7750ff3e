using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>Small pieces of markup the page repeats on every row, built once per render rather than as a partial per row.</summary>
public static class PayHtml
{
    /// <summary>The hidden fields that bring a POST back to the same page, size, sort and expanded rows.</summary>
    public static IHtmlContent StateFields(TableState state)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"page\" value=\"{state.Page}\" />");
        b.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"size\" value=\"{state.Size}\" />");
        b.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"sort\" value=\"{state.SortKey}\" />");
        b.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"dir\" value=\"{state.Direction}\" />");
        foreach (var id in state.Open) b.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"open\" value=\"{id}\" />");
        return new HtmlString(b.ToString());
    }

    /// <summary>
    /// A message next to the control it is about: an error as an alert (announced at once), a notice as a status
    /// (announced politely). Nothing when there is no message.
    /// </summary>
    public static IHtmlContent Message(PageMessage? message)
    {
        if (message is null) return HtmlString.Empty;
        var (css, role) = message.IsError ? ("alert-danger", "alert") : ("alert-info", "status");
        var testId = message.Target.ToString().ToLowerInvariant();
        return new HtmlString(string.Create(CultureInfo.InvariantCulture,
            $"<div class=\"alert {css} py-2 mb-2\" role=\"{role}\" data-testid=\"{testId}-message\">{HtmlEncoder.Default.Encode(message.Text)}</div>"));
    }

    public static string Date(DateOnly date) => date.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);
}
