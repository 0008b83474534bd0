Console.WriteLine("ainur");
