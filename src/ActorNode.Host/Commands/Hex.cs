using System.Text;

namespace ActorNode.Host.Commands;

/// <summary>Hex text as people paste it: whitespace and line breaks anywhere, an optional 0x prefix.</summary>
internal static class Hex
{
    public static bool TryParse(string text, out byte[] bytes, out string problem)
    {
        bytes = [];
        var digits = new StringBuilder(text.Length);
        foreach (char c in text)
            if (!char.IsWhiteSpace(c)) digits.Append(c);
        if (digits.Length >= 2 && digits[0] == '0' && digits[1] is 'x' or 'X') digits.Remove(0, 2);
        for (int i = 0; i < digits.Length; i++)
        {
            if (!char.IsAsciiHexDigit(digits[i]))
            {
                problem = $"invalid hex: '{digits[i]}' at digit {i} is not a hex digit";
                return false;
            }
        }
        if (digits.Length % 2 != 0)
        {
            problem = $"invalid hex: odd number of digits ({digits.Length})";
            return false;
        }
        bytes = Convert.FromHexString(digits.ToString());
        problem = "";
        return true;
    }
}
