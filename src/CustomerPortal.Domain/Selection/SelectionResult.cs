namespace CustomerPortal.Domain.Selection;

/// <summary>
/// How a selection action ended. The web layer answers <see cref="NotFound"/> with 404, <see cref="Refused"/> with 400.
/// </summary>
public enum SelectionOutcome
{
    Accepted = 0,
    /// <summary>
    /// The action breaks a rule (cap, wrong choice, nothing to pay, duplicates…); the message says which.
    /// </summary>
    Refused = 1,
    /// <summary>An id is not one of this customer's open invoices (unknown, paid, void or someone else's).</summary>
    NotFound = 2,
}

/// <summary>
/// The answer to a selection action: the selection to keep and, when there is one, a message to show. On
/// <see cref="SelectionOutcome.Refused"/> and <see cref="SelectionOutcome.NotFound"/> <see cref="Selected"/> is the
/// selection exactly as it was given. An accepted action may carry a notice (e.g. "200 of 340 selected — …").
/// </summary>
public sealed record SelectionResult(SelectionOutcome Outcome, IReadOnlySet<long> Selected, string? Message)
{
    internal static SelectionResult Accepted(IReadOnlySet<long> selected, string? notice = null) =>
        new(SelectionOutcome.Accepted, selected, notice);

    internal static SelectionResult Refused(IReadOnlySet<long> unchanged, string message) =>
        new(SelectionOutcome.Refused, unchanged, message);

    internal static SelectionResult NotFound(IReadOnlySet<long> unchanged, string message) =>
        new(SelectionOutcome.NotFound, unchanged, message);
}

/// <summary>How a multi-site parent's checkbox is drawn for the current selection.</summary>
public enum ParentCheckState
{
    Unchecked = 0,
    Checked = 1,
    /// <summary>Some, not all, of its payable children are selected.</summary>
    Indeterminate = 2,
}

/// <summary>"Amount Selected" and "Invoices to Pay" for the current selection (children count one by one).</summary>
public sealed record SelectionTotals(long AmountCents, int InvoiceCount);
