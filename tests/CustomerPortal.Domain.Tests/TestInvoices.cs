using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Domain.Tests;

/// <summary>Small builders for the snapshots the rules work on.</summary>
internal static class TestInvoices
{
    public static readonly DateOnly FirstOfJanuary = new(2025, 1, 1);

    /// <summary>An open invoice dated <paramref name="day"/> days after 1 January 2025, due 30 days later.</summary>
    public static OpenInvoice Invoice(
        long id, long balanceCents = 100_00, int day = 0, long? parentId = null, string? number = null,
        long pendingCents = 0, int dueInDays = 30)
    {
        var date = FirstOfJanuary.AddDays(day);
        return new OpenInvoice(
            id, parentId, number ?? $"INV-{id:D5}", date, date.AddDays(dueInDays), balanceCents, pendingCents);
    }

    /// <summary>
    /// <paramref name="count"/> single-site invoices with ids from <paramref name="firstId"/>, one per day, oldest
    /// first.
    /// </summary>
    public static List<OpenInvoice> SingleSite(int count, long firstId = 1, long balanceCents = 100_00) =>
        Enumerable.Range(0, count).Select(i => Invoice(firstId + i, balanceCents, day: i)).ToList();

    public static OpenMultiSiteInvoice Parent(long id, int day = 0, string? number = null)
    {
        var date = FirstOfJanuary.AddDays(day);
        return new OpenMultiSiteInvoice(id, number ?? $"MS-{id:D4}", date, date.AddDays(30));
    }

    /// <summary>
    /// <paramref name="count"/> children of <paramref name="parent"/> with ids from <paramref name="firstId"/>.
    /// </summary>
    public static List<OpenInvoice> Children(
        OpenMultiSiteInvoice parent, int count, long firstId, long balanceCents = 50_00) =>
        Enumerable.Range(0, count)
            .Select(i => new OpenInvoice(firstId + i,
                parent.Id, $"{parent.Number}-{i + 1:D3}", parent.InvoiceDate, parent.DueDate, balanceCents, 0))
            .ToList();
}
