namespace CustomerPortal.Domain.Staff;

public enum AuditAction
{
    ViewAsStarted = 0,
    PageViewed = 1,
    ViewAsEnded = 2,
    ActionRefused = 3,
}

/// <summary>One line of the support audit trail. Written once; the app has no way to edit or delete it.</summary>
public sealed class AuditEntry
{
    private AuditEntry() { }

    public AuditEntry(
        string staffUserId, string staffEmail, long customerId, long companyId, AuditAction action, string path,
        string ipAddress, DateTimeOffset at)
    {
        StaffUserId = staffUserId;
        StaffEmail = staffEmail;
        CustomerId = customerId;
        CompanyId = companyId;
        Action = action;
        Path = path.Length > 400 ? path[..400] : path;
        IpAddress = ipAddress;
        At = at;
    }

    public long Id { get; private set; }
    public string StaffUserId { get; private set; } = "";
    public string StaffEmail { get; private set; } = "";
    public long CustomerId { get; private set; }
    public long CompanyId { get; private set; }
    public AuditAction Action { get; private set; }
    public string Path { get; private set; } = "";
    public string IpAddress { get; private set; } = "";
    public DateTimeOffset At { get; private set; }
}
