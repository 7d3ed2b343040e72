using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Client.Inbox;

/// <summary>
/// Checks a delivered message before anything is written, so an invalid message is refused as a
/// whole instead of half applied. Returns null when the message is valid, else the reason.
/// </summary>
internal static class MessageValidator
{
    public const int MaxItems = 10_000;
    public const int MaxNameLength = 100;

    public static string? Validate(DeliverFrame frame)
    {
        if (frame.MessageId <= 0)
        {
            return "messageId must be positive.";
        }

        if (!DeliverFrame.IsWellFormedUid(frame.MessageUid))
        {
            return "messageUid must be 32 lowercase hex digits.";
        }

        var body = frame.Body;
        if (body.Part is not null && body.Kind is not (MessageKind.Replace or MessageKind.Patch))
        {
            return $"{body.Kind} carries no part.";
        }

        return body.Kind switch
        {
            MessageKind.Replace => ValidateReplace(body),
            MessageKind.Patch => ValidatePatch(body),
            MessageKind.Save => ValidateSave(body, "save"),
            MessageKind.Update => ValidateSave(body, "update"),
            MessageKind.Delete => ValidateDelete(body),
            MessageKind.DeleteAll when body.Personnel is { Count: > 0 } || body.PersonnelIds is { Count: > 0 } =>
                "deleteAll carries no personnel or ids.",
            MessageKind.DeleteAll => null,
            _ => $"Unknown message kind {(int)body.Kind}.",
        };
    }

    private static string? ValidatePart(MessageBody body, string kind) =>
        body.Part switch
        {
            null => $"{kind} needs its part: setId, part and parts.",
            var part
                when string.IsNullOrWhiteSpace(part.SetId)
                    || part.SetId.Length > 64
                    || part.Parts is < 1 or > 1_000_000
                    || part.Part < 1
                    || part.Part > part.Parts =>
                $"{kind} part is out of range: setId of 1 to 64 characters, 1 <= part <= parts.",
            _ => null,
        };

    private static string? ValidatePatch(MessageBody body)
    {
        if (ValidatePart(body, "patch") is { } badPart)
        {
            return badPart;
        }

        var personnel = body.Personnel ?? [];
        var ids = body.PersonnelIds ?? [];
        if (personnel.Count + ids.Count > MaxItems)
        {
            return $"patch carries at most {MaxItems} personnel and ids together.";
        }

        if (ids.Any(id => id <= 0))
        {
            return "patch ids must be positive.";
        }

        var deleted = ids.ToHashSet();
        if (deleted.Count != ids.Count || personnel.Any(p => p is not null && deleted.Contains(p.Id)))
        {
            return "patch ids must be unique and not also among its personnel.";
        }

        return ValidatePersonnel(personnel);
    }

    private static string? ValidateReplace(MessageBody body)
    {
        if (ValidatePart(body, "replace") is { } badPart)
        {
            return badPart;
        }

        if (body.Personnel is not { Count: <= MaxItems } personnel)
        {
            return $"replace needs between 0 and {MaxItems} personnel.";
        }

        return body.PersonnelIds is { Count: > 0 }
            ? "replace carries personnel, not ids."
            : ValidatePersonnel(personnel);
    }

    private static string? ValidateSave(MessageBody body, string kind)
    {
        if (body.Personnel is not { Count: > 0 and <= MaxItems } personnel)
        {
            return $"{kind} needs between 1 and {MaxItems} personnel.";
        }

        if (body.PersonnelIds is { Count: > 0 })
        {
            return $"{kind} carries personnel, not ids.";
        }

        return ValidatePersonnel(personnel);
    }

    private static string? ValidatePersonnel(IReadOnlyList<PersonnelRecord> personnel)
    {
        if (personnel.Select(p => p?.Id).Distinct().Count() != personnel.Count)
        {
            return "personnel ids must be unique within a message.";
        }

        for (var i = 0; i < personnel.Count; i++)
        {
            var p = personnel[i];
            var problem = p switch
            {
                null => "is null",
                { Id: <= 0 } => "has an id that is not positive",
                _ when !IsName(p.Name) => "has a name that is empty or longer than 100 characters",
                _ when !IsName(p.Surname) => "has a surname that is empty or longer than 100 characters",
                _ when !Ssn.IsValid(p.Ssn) => $"has an SSN that is not {Ssn.Rule}",
                _ when ValidityWindow.Problem(p.ValidFrom, p.ValidUntil) is { } window =>
                    $"has a bad validity window: {window.Message.TrimEnd('.')}",
                _ => null,
            };
            if (problem is not null)
            {
                return $"personnel[{i}] {problem}.";
            }
        }

        return null;
    }

    private static string? ValidateDelete(MessageBody body)
    {
        if (body.PersonnelIds is not { Count: > 0 and <= MaxItems } ids)
        {
            return $"delete needs between 1 and {MaxItems} ids.";
        }

        if (body.Personnel is { Count: > 0 })
        {
            return "delete carries ids, not personnel.";
        }

        return ids.Any(id => id <= 0) ? "delete ids must be positive." : null;
    }

    private static bool IsName(string? value) => !string.IsNullOrWhiteSpace(value) && value.Length <= MaxNameLength;
}
