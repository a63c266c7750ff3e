using System.Globalization;
using System.Text;
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

    public static string Date(DateOnly date) => date.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);
}
