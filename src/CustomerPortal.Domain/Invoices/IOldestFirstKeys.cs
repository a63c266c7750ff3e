namespace CustomerPortal.Domain.Invoices;

/// <summary>
/// What "oldest first" orders by. Invoices and multi-site invoices carry these members, as entities, as the rules'
/// snapshots and as the rows a query projects to, so one definition of the order (<see cref="Allocation.OldestFirst"/>)
/// serves them all.
/// </summary>
public interface IOldestFirstKeys
{
    long Id { get; }
    string Number { get; }
    DateOnly InvoiceDate { get; }
    DateOnly DueDate { get; }
}
