"""What each verb does, as a plain keyword function returning its own typed reply; exam.api gathers them."""
