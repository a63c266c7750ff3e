using System.Globalization;
using System.Text;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>
/// The SQL that stores a changed draft: one batch, run as one command (see PaymentDraftService.SaveAsync).
/// <code>
/// DELETE FROM PaymentDraftItems WHERE PaymentDraftId = @p0 AND InvoiceId IN (…);   -- when ids leave or are re-added
/// INSERT INTO PaymentDraftItems (PaymentDraftId, InvoiceId) VALUES (@p0, …), …;    -- one per 500 added ids
/// UPDATE PaymentDrafts SET Choice = @p1, CustomAmountCents = @p2, Revision = Revision + 1, UpdatedAt = @p3 WHERE Id = @p0;
/// </code>
/// One command instead of EF's ExecuteDelete and ExecuteUpdate, which ran the LINQ query pipeline on every toggle (7 % of
/// the server's CPU). Names and stored values come from the EF model (the choice as its text, the time through the
/// provider's converter), so the batch is the same on SQLite and SQL Server. Invoice ids are written into the text as
/// numbers: they are <see cref="long"/> values, never text from a request, and one parameter per id would cost SQLite a
/// by-name lookup per parameter over all the others. (On SQL Server each distinct id list is then its own statement
/// text, as EF Core 7 and earlier wrote <c>Contains</c>; a toggle's text differs only by its one id.)
/// </summary>
internal static class DraftWriteSql
{
    public static (string Sql, object[] Parameters) For(AppDbContext db, PaymentDraft draft, IReadOnlyCollection<long> idsToDelete, IReadOnlyList<long> idsToInsert)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var itemTable = new Table(db.Model.FindEntityType(typeof(PaymentDraftItem))!, sql);
        var draftTable = new Table(db.Model.FindEntityType(typeof(PaymentDraft))!, sql);
        var (items, drafts) = (itemTable.Name, draftTable.Name);
        var itemDraftId = itemTable.Column(nameof(PaymentDraftItem.PaymentDraftId));
        var itemInvoiceId = itemTable.Column(nameof(PaymentDraftItem.InvoiceId));

        var text = new StringBuilder();
        if (idsToDelete.Count > 0)
        {
            text.Append("DELETE FROM ").Append(items).Append(" WHERE ").Append(itemDraftId).Append(" = {0} AND ")
                .Append(itemInvoiceId).Append(" IN (");
            AppendNumbers(text, idsToDelete);
            text.Append(')').Append(sql.StatementTerminator).AppendLine();
        }
        foreach (var chunk in idsToInsert.Chunk(InsertRowsPerStatement))
        {
            text.Append("INSERT INTO ").Append(items).Append(" (").Append(itemDraftId).Append(", ").Append(itemInvoiceId).Append(") VALUES ");
            for (var n = 0; n < chunk.Length; n++)
            {
                if (n > 0) text.Append(", ");
                text.Append("({0}, ").Append(chunk[n].ToString(CultureInfo.InvariantCulture)).Append(')');
            }
            text.Append(sql.StatementTerminator).AppendLine();
        }
        var revision = draftTable.Column(nameof(PaymentDraft.Revision));
        text.Append("UPDATE ").Append(drafts).Append(" SET ")
            .Append(draftTable.Column(nameof(PaymentDraft.Choice))).Append(" = {1}, ")
            .Append(draftTable.Column(nameof(PaymentDraft.CustomAmountCents))).Append(draft.CustomAmountCents is null ? " = NULL, " : " = {2}, ")
            .Append(revision).Append(" = ").Append(revision).Append(" + 1, ")
            .Append(draftTable.Column(nameof(PaymentDraft.UpdatedAt))).Append(" = {3} WHERE ")
            .Append(draftTable.Column(nameof(PaymentDraft.Id))).Append(" = {0}").Append(sql.StatementTerminator);

        object[] parameters =
        [
            draft.Id,
            draftTable.Stored(nameof(PaymentDraft.Choice), draft.Choice),
            draft.CustomAmountCents ?? 0L, // not in the text when null
            draftTable.Stored(nameof(PaymentDraft.UpdatedAt), draft.UpdatedAt),
        ];
        return (text.ToString(), parameters);
    }

    /// <summary>Largest VALUES list per INSERT (SQL Server allows 1,000 rows per VALUES list).</summary>
    private const int InsertRowsPerStatement = 500;

    private static void AppendNumbers(StringBuilder text, IEnumerable<long> ids)
    {
        var first = true;
        foreach (var id in ids)
        {
            if (!first) text.Append(", ");
            text.Append(id.ToString(CultureInfo.InvariantCulture));
            first = false;
        }
    }

    /// <summary>A mapped table: its delimited name, its columns' delimited names, and values as its columns store them.</summary>
    private sealed class Table(IEntityType entity, ISqlGenerationHelper sql)
    {
        private readonly StoreObjectIdentifier _id = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());

        public string Name => sql.DelimitIdentifier(_id.Name, _id.Schema);

        public string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(_id)!);

        /// <summary>The value as the database stores it (through the property's value converter, if it has one).</summary>
        public object Stored(string property, object value) =>
            entity.FindProperty(property)!.GetTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value)! : value;
    }
}
