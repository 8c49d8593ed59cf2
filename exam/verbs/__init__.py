"""What each verb does, as a plain keyword function returning a Reply; exam.api gathers them."""
