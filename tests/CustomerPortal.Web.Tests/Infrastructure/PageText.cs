using System.Globalization;
using CustomerPortal.Domain;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>Values written the way the pages and their forms write them (<c>using static</c> in page tests).</summary>
public static class PageText
{
    /// <summary>An amount as the pages show it: "$1,234.50".</summary>
    public static string Usd(long cents) => Money.FromCents(cents).Format();

    /// <summary>An id as a form field carries it.</summary>
    public static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
