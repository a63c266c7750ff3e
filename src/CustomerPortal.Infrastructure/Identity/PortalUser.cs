using Microsoft.AspNetCore.Identity;

namespace CustomerPortal.Infrastructure.Identity;

/// <summary>
/// A person who signs in: a customer contact (linked to exactly one customer) or a support agent (role
/// <see cref="Roles.Staff"/>, no customer).
/// </summary>
public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public long? CustomerId { get; set; }
}

public static class Roles
{
    public const string Staff = "Staff";
}

/// <summary>Limits a staff user to some companies. A staff user with no rows may see every company.</summary>
public sealed class StaffCompanyAccess
{
    public string UserId { get; set; } = "";
    public long CompanyId { get; set; }
}
