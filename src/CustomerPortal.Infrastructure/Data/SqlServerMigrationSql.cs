using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;

namespace CustomerPortal.Infrastructure.Data;

/// <summary>
/// Every hand-written statement of a SQL Server migration goes through <see cref="SqlServerExec"/>. EF's idempotent
/// script (the deployment script) puts each statement of a migration inside <c>IF NOT EXISTS (…) BEGIN … END</c>,
/// and all of a migration in one batch: <c>CREATE TRIGGER</c> must be the first statement of its batch, and a
/// statement that names a column added earlier in the same batch fails to compile (error 207). Inside
/// <c>EXEC(N'…')</c> the text is a batch of its own, compiled when it runs, so the same migration runs in the script,
/// in a migration bundle and at start-up (<c>MigrateAsync</c>). See docs/adr/0001-sqlserver-triggers-in-exec.md.
/// </summary>
public static class SqlServerMigrationSql
{
    /// <summary>Adds <paramref name="sql"/> to the migration as one <c>EXEC(N'…');</c> (<see cref="Exec"/>).</summary>
    public static OperationBuilder<SqlOperation> SqlServerExec(this MigrationBuilder migrationBuilder, string sql) =>
        migrationBuilder.Sql(Exec(sql));

    /// <summary>
    /// <paramref name="sql"/> as a dynamic batch: <c>EXEC(N'…');</c> with each single quote doubled. The text must not
    /// hold a <c>GO</c> separator (it is one batch). Migrations emit this text: changing its form changes what an
    /// already written migration sends, so keep it stable.
    /// </summary>
    public static string Exec(string sql) => "EXEC(N'" + sql.Replace("'", "''", StringComparison.Ordinal) + "');";
}
